/** The print calls of the contract (issue 5). Names in ../names.ts (printCallNames). */
import type { z } from 'zod';
import type { CallSpec } from '../call-spec';
import type { PrintCallName } from '../names';

export const printCalls = {} as const satisfies Record<PrintCallName, CallSpec<z.ZodType, unknown>>;
