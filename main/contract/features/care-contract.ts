/** The care calls of the contract (issue 5). Names in ../names.ts (careCallNames). */
import type { z } from 'zod';
import type { CallSpec } from '../call-spec';
import type { CareCallName } from '../names';

export const careCalls = {} as const satisfies Record<CareCallName, CallSpec<z.ZodType, unknown>>;
