/** The handlers of the chart calls (main/contract/features/chart-contract.ts). */
import type { ChartCallName } from '../../contract/names';
import type { Handlers } from '../contract-server';
import type { EventSink, Services } from '../services';

export function chartHandlers(_services: Services, _emit: EventSink): Pick<Handlers, ChartCallName> {
  return {};
}
