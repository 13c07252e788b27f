/** The medication calls of the contract (issue 5). Names in ../names.ts (medicationCallNames). */
import type { z } from 'zod';
import type { CallSpec } from '../call-spec';
import type { MedicationCallName } from '../names';

export const medicationCalls = {} as const satisfies Record<MedicationCallName, CallSpec<z.ZodType, unknown>>;
