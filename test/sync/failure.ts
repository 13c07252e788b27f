import { TabibError } from '../../main/errors';

/** The TabibError a promise rejects with; anything else (a success, another error) fails the test. */
export async function failure(promise: Promise<unknown>): Promise<TabibError> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  if (!(error instanceof TabibError)) throw error;
  return error;
}
