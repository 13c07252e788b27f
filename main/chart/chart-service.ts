/**
 * The chart behind the contract's chart calls: builds each call's context (the open record, who
 * acts, the clinic's clock, country, language and facility) and hands it to the read or write.
 */
import type {
  AllergenHit,
  AllergyView,
  ChartSummary,
  Icd10Hit,
  ProblemView,
  StartedVisit,
  TimelinePage,
  VisitView,
  VitalsRecorded,
  VitalsSeries,
} from '../contract/chart-types';
import type { Language } from '../contract/types';
import type { Services } from '../services/services';
import { listAllergies, saveAllergy, type SaveAllergyRequest } from './allergies';
import type { ChartContext } from './chart-context';
import { chartSummary } from './chart-summary';
import { ChartTerminology } from './chart-terminology';
import { chartTimeline } from './chart-timeline';
import { listProblems, saveProblem, type SaveProblemRequest } from './problems';
import { readVisit, saveVisit, startVisit, type SaveVisitRequest } from './visits';
import { recordVitals, vitalsSeries, type RecordVitalsRequest } from './vitals';

export class ChartService {
  constructor(private readonly services: Pick<Services, 'record' | 'config' | 'env'>) {}

  get terminology(): ChartTerminology {
    return ChartTerminology.load(this.services.env.resourcesDir);
  }

  private async context(): Promise<ChartContext> {
    const record = await this.services.record.open();
    const config = this.services.config.effective();
    return {
      record,
      terminology: this.terminology,
      actor: this.services.record.actor(),
      now: this.services.record.now(),
      country: config.country,
      language: config.language,
      facility: config.facility,
    };
  }

  async summary(patientId: string): Promise<ChartSummary> {
    return chartSummary(await this.context(), patientId);
  }

  async timeline(request: {
    patientId: string;
    cursor?: string | undefined;
    limit?: number | undefined;
  }): Promise<TimelinePage> {
    return chartTimeline(await this.context(), request);
  }

  async startVisit(patientId: string): Promise<StartedVisit> {
    return startVisit(await this.context(), patientId);
  }

  async saveVisit(request: SaveVisitRequest): Promise<VisitView> {
    return saveVisit(await this.context(), request);
  }

  async visit(encounterId: string): Promise<VisitView> {
    return readVisit(await this.context(), encounterId);
  }

  async recordVitals(request: RecordVitalsRequest): Promise<VitalsRecorded> {
    return recordVitals(await this.context(), request);
  }

  async vitalsSeries(patientId: string, perKind: number): Promise<VitalsSeries> {
    return vitalsSeries(await this.context(), patientId, perKind);
  }

  async problems(patientId: string): Promise<ProblemView[]> {
    return listProblems(await this.context(), patientId);
  }

  async saveProblem(request: SaveProblemRequest): Promise<ProblemView> {
    return saveProblem(await this.context(), request);
  }

  async allergies(patientId: string): Promise<AllergyView[]> {
    return listAllergies(await this.context(), patientId);
  }

  async saveAllergy(request: SaveAllergyRequest): Promise<AllergyView> {
    return saveAllergy(await this.context(), request);
  }

  searchIcd10(query: string, limit: number, language: Language): Icd10Hit[] {
    return this.terminology.searchIcd10(query, limit, language);
  }

  searchAllergens(query: string, limit: number, language: Language): AllergenHit[] {
    return this.terminology.searchAllergens(query, limit, language);
  }
}
