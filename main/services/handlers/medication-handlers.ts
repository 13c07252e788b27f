/** The handlers of the medication calls (main/contract/features/medication-contract.ts). */
import type { MedicationCallName } from '../../contract/names';
import type { Handlers } from '../contract-server';
import type { EventSink, Services } from '../services';

export function medicationHandlers(
  _services: Services,
  _emit: EventSink,
): Pick<Handlers, MedicationCallName> {
  return {};
}
