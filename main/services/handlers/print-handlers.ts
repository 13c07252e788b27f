/** The handlers of the print calls (main/contract/features/print-contract.ts). */
import type { PrintCallName } from '../../contract/names';
import { printDocument } from '../../print/print-service';
import type { Handlers } from '../contract-server';
import type { EventSink, Services } from '../services';

export function printHandlers(services: Services, _emit: EventSink): Pick<Handlers, PrintCallName> {
  return {
    'print.document': (request) => printDocument(services, request),
  };
}
