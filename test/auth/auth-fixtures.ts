/** What the auth tests share: an enrolled workstation's configuration, and a call's refusal. */
import type { ConfigFile } from '../../main/config/schema';

/** An enrolled workstation (the tests' key-file keychain is not a protected one: allowed here). */
export const enrolled: ConfigFile = {
  mode: 'national',
  country: 'MA',
  facility: { id: 'CS-0417', name: 'Centre de santé urbain Agdal' },
  allowWeakKeychain: true,
};

export interface Refusal {
  code: string;
  message: string;
  details?: unknown;
}

/** The error a call fails with (its contract code, message and details); fails if it succeeds. */
export async function failure(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise;
  } catch (error) {
    return error as Refusal;
  }
  throw new Error('expected the call to fail');
}
