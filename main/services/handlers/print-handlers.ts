/** The handlers of the print calls (main/contract/features/print-contract.ts). */
import type { PrintCallName } from '../../contract/names';
import type { Handlers } from '../contract-server';
import type { EventSink, Services } from '../services';

export function printHandlers(_services: Services, _emit: EventSink): Pick<Handlers, PrintCallName> {
  return {};
}
