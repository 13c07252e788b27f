/** The handlers of the registration calls (main/contract/features/registration-contract.ts). */
import type { RegistrationCallName } from '../../contract/names';
import type { Handlers } from '../contract-server';
import type { EventSink, Services } from '../services';

export function registrationHandlers(
  _services: Services,
  _emit: EventSink,
): Pick<Handlers, RegistrationCallName> {
  return {};
}
