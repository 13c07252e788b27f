/** The shape of one call of the contract, shared by contract.ts and its feature files (features/). */
import { z } from 'zod';
import type { Access } from './permissions';

export interface CallSpec<A extends z.ZodType, R> {
  args: A;
  /** Who may make it (permissions.ts); enforced in main where calls arrive (main/auth/call-guard.ts). */
  access: Access;
  /** Phantom: carries the result type only. */
  result?: R;
  /** What this call does, for the reader of the contract. */
  doc: string;
}

export function call<R>() {
  return <A extends z.ZodType>(args: A, access: Access, doc: string): CallSpec<A, R> => ({
    args,
    access,
    doc,
  });
}

export const none = z.object({}).strict();

/** FHIR R4 datatypes.html#id */
export const fhirId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'must be a FHIR id');
