/** The auth calls of the contract (issue 5). Names in ../names.ts (authCallNames). */
import type { z } from 'zod';
import type { CallSpec } from '../call-spec';
import type { AuthCallName } from '../names';

export const authCalls = {} as const satisfies Record<AuthCallName, CallSpec<z.ZodType, unknown>>;
