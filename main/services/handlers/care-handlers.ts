/** The handlers of the care calls (main/contract/features/care-contract.ts). */
import type { CareCallName } from '../../contract/names';
import type { Handlers } from '../contract-server';
import type { EventSink, Services } from '../services';

export function careHandlers(_services: Services, _emit: EventSink): Pick<Handlers, CareCallName> {
  return {};
}
