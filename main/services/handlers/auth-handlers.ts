/** The handlers of the auth calls (main/contract/features/auth-contract.ts). */
import type { AuthCallName } from '../../contract/names';
import type { Handlers } from '../contract-server';
import type { EventSink, Services } from '../services';

export function authHandlers(_services: Services, _emit: EventSink): Pick<Handlers, AuthCallName> {
  return {};
}
