/** The handlers of the chart calls (main/contract/features/chart-contract.ts). */
import { ChartService } from '../../chart/chart-service';
import type { ChartCallName } from '../../contract/names';
import type { Handlers } from '../contract-server';
import type { EventSink, Services } from '../services';

const SEARCH_LIMIT = 20;
const SERIES_PER_KIND = 200;

export function chartHandlers(services: Services, _emit: EventSink): Pick<Handlers, ChartCallName> {
  const chart = new ChartService(services);
  const language = () => services.config.effective().language;
  return {
    'chart.summary': ({ patientId }) => chart.summary(patientId),
    'chart.timeline': (request) => chart.timeline(request),
    'chart.startVisit': ({ patientId }) => chart.startVisit(patientId),
    'chart.saveVisit': (request) => chart.saveVisit(request),
    'chart.visit': ({ encounterId }) => chart.visit(encounterId),
    'chart.recordVitals': (request) => chart.recordVitals(request),
    'chart.vitalsSeries': ({ patientId, perKind }) =>
      chart.vitalsSeries(patientId, perKind ?? SERIES_PER_KIND),
    'chart.problems': ({ patientId }) => chart.problems(patientId),
    'chart.saveProblem': (request) => chart.saveProblem(request),
    'chart.allergies': ({ patientId }) => chart.allergies(patientId),
    'chart.saveAllergy': (request) => chart.saveAllergy(request),
    'terminology.searchIcd10': ({ query, limit, language: asked }) =>
      chart.searchIcd10(query, limit ?? SEARCH_LIMIT, asked ?? language()),
    'terminology.searchAllergens': ({ query, limit, language: asked }) =>
      chart.searchAllergens(query, limit ?? SEARCH_LIMIT, asked ?? language()),
  };
}
