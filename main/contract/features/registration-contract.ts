/** The registration calls of the contract (issue 5). Names in ../names.ts (registrationCallNames). */
import type { z } from 'zod';
import type { CallSpec } from '../call-spec';
import type { RegistrationCallName } from '../names';

export const registrationCalls = {} as const satisfies Record<
  RegistrationCallName,
  CallSpec<z.ZodType, unknown>
>;
