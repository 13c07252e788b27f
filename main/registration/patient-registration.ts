/**
 * Registration: creating and editing a patient (identity, address, coverage) in the local record.
 *
 * Each save is ONE transaction of the record: the duplicate check, the Patient, its Coverage (and
 * the one a change of plan ends), their outbox and audit entries (the store writes those), and the
 * patient's follow for sync. Nothing is half-written, and nobody can register the same national
 * identifier between the check and the write.
 */
import type { Coverage, Patient } from '@medplum/fhirtypes';
import type { PatientDraft, PatientEditView } from '../contract/features/registration-contract';
import type {
  CoveragePlansView,
  DraftCheck,
  DuplicateCheck,
  PlacesView,
  RegistrationResult,
} from '../contract/registration-types';
import type { ConfigStore } from '../config/config-store';
import { TabibError } from '../errors';
import type { Actor } from '../record/actor';
import { loadCountryProfile } from '../record/identity/country-profile';
import type { LocalRecord } from '../record/local-record';
import type { RecordService } from '../record/record-service';
import { sameContent } from '../record/resource-content';
import type { StoredResource } from '../record/resource-store';
import { followOpenedPatient } from '../sync/followed-patients';
import { clinicDay, dayText } from './birth-date';
import { coveragePlansView, loadCountryCoverages, type CountryCoverages } from './coverage-plans';
import { cancelledCoverage, coverageFromDraft, currentCoverage, draftCoverageOf } from './coverage-resource';
import { assertDraftValid, draftIssues, normaliseDraft, type DraftContext } from './draft-checks';
import { findDuplicates } from './duplicates';
import { facilityReference } from './facility';
import { draftFromPatient, patientFromDraft, type PatientContext } from './patient-resource';
import { loadCountryPlaces, placesView } from './places';

export interface RegistrationDependencies {
  record: RecordService;
  config: ConfigStore;
  resourcesDir: string;
}

export interface PatientUpdate {
  patientId: string;
  version: number;
  coverageVersion: number | null;
  draft: PatientDraft;
}

type Context = DraftContext & PatientContext;

export class PatientRegistration {
  constructor(private readonly deps: RegistrationDependencies) {}

  private country() {
    return this.deps.config.effective().country;
  }

  private coveragePlans(): CountryCoverages {
    return loadCountryCoverages(this.deps.resourcesDir, this.country());
  }

  private context(record: LocalRecord | null): Context {
    const country = this.country();
    return {
      country,
      profile: loadCountryProfile(this.deps.resourcesDir, country),
      places: loadCountryPlaces(this.deps.resourcesDir, country),
      coverages: this.coveragePlans(),
      today: clinicDay(this.deps.record.now()),
      facility: record ? facilityReference(record, this.deps.config.effective().facility) : null,
    };
  }

  places(): PlacesView {
    return placesView(loadCountryPlaces(this.deps.resourcesDir, this.country()));
  }

  coverages(): CoveragePlansView {
    return coveragePlansView(this.coveragePlans());
  }

  /** The draft's problems, paths inside the draft (patients.checkDraft). */
  check(draft: PatientDraft): DraftCheck {
    const context = this.context(null);
    return { issues: draftIssues(normaliseDraft(draft, context.places), context) };
  }

  async findDuplicates(draft: PatientDraft, exclude?: string): Promise<DuplicateCheck> {
    const record = await this.deps.record.open();
    const context = this.context(null);
    return findDuplicates(record, normaliseDraft(draft, context.places), context, exclude);
  }

  async register(draft: PatientDraft, acknowledged: readonly string[] = []): Promise<RegistrationResult> {
    const record = await this.deps.record.open();
    const context = this.context(record);
    const clean = normaliseDraft(draft, context.places);
    assertDraftValid(clean, context);
    const actor = this.deps.record.actor();
    return record.queries.transaction(() => {
      const duplicates = findDuplicates(record, clean, context);
      if (duplicates.identifier.length > 0)
        throw new TabibError('PATIENT_IDENTIFIER_TAKEN', 'Another patient holds this identifier', {
          patientIds: duplicates.identifier.map((candidate) => candidate.id),
        });
      const unconfirmed = duplicates.similar.filter((candidate) => !acknowledged.includes(candidate.id));
      if (unconfirmed.length > 0)
        throw new TabibError(
          'PATIENT_POSSIBLE_DUPLICATES',
          'Similar patients are in the record; confirm that this one is someone else',
          { patientIds: unconfirmed.map((candidate) => candidate.id) },
        );
      const stored = record.store.create(patientFromDraft(clean, null, context), actor);
      const patientId = stored.resource.id as string;
      const coverage = this.saveCoverage(record, clean, patientId, null, context, actor);
      // From now on the pull keeps this patient's record up to date on this workstation.
      followOpenedPatient(record, patientId, this.deps.record.now());
      return {
        patient: record.patients.summaryOf(stored.resource),
        version: stored.version,
        coverage,
      };
    });
  }

  async update(request: PatientUpdate): Promise<RegistrationResult> {
    const record = await this.deps.record.open();
    const context = this.context(record);
    const clean = normaliseDraft(request.draft, context.places);
    assertDraftValid(clean, context);
    const actor = this.deps.record.actor();
    return record.queries.transaction(() => {
      const previous = record.store.readStored<Patient>('Patient', request.patientId);
      if (!previous)
        throw new TabibError('RESOURCE_NOT_FOUND', `Patient/${request.patientId} is not in the record`);
      if (previous.version !== request.version)
        throw new TabibError('VERSION_CONFLICT', `Patient/${request.patientId} changed meanwhile`, {
          expected: request.version,
          current: previous.version,
        });
      const duplicates = findDuplicates(record, clean, context, request.patientId);
      if (duplicates.identifier.length > 0)
        throw new TabibError('PATIENT_IDENTIFIER_TAKEN', 'Another patient holds this identifier', {
          patientIds: duplicates.identifier.map((candidate) => candidate.id),
        });
      const current = this.storedCoverage(record, request.patientId, context.coverages);
      if ((current?.version ?? null) !== request.coverageVersion)
        throw new TabibError(
          'VERSION_CONFLICT',
          `The coverage of Patient/${request.patientId} changed meanwhile`,
          {
            expected: request.coverageVersion,
            current: current?.version ?? null,
          },
        );
      const next = patientFromDraft(clean, previous.resource, context);
      const stored = sameContent(next, previous.resource)
        ? previous
        : record.store.update(next, actor, request.version);
      const coverage = this.saveCoverage(record, clean, request.patientId, current, context, actor);
      return { patient: record.patients.summaryOf(stored.resource), version: stored.version, coverage };
    });
  }

  /** The patient as the edit form shows them; reading it is audited like opening the chart. */
  async get(patientId: string): Promise<PatientEditView> {
    const record = await this.deps.record.open();
    const context = this.context(record);
    const actor = this.deps.record.actor();
    return record.queries.transaction(() => {
      const stored = record.store.readStored<Patient>('Patient', patientId);
      if (!stored) throw new TabibError('RESOURCE_NOT_FOUND', `Patient/${patientId} is not in the record`);
      const coverage = this.storedCoverage(record, patientId, context.coverages);
      record.audit.append(
        actor,
        { action: 'R', patientId, description: 'registration form' },
        this.deps.record.now().toISOString(),
      );
      return {
        patientId,
        version: stored.version,
        coverage: coverage ? { id: coverage.resource.id as string, version: coverage.version } : null,
        draft: {
          ...draftFromPatient(stored.resource, context),
          coverage: draftCoverageOf(coverage?.resource ?? null, context.coverages),
        },
        patient: record.patients.summaryOf(stored.resource),
      };
    });
  }

  /** The Coverage registration manages for this patient, with its version. */
  private storedCoverage(
    record: LocalRecord,
    patientId: string,
    plans: CountryCoverages,
  ): StoredResource<Coverage> | null {
    const coverages = record.store.listByPatient(patientId, { types: ['Coverage'], limit: 100 })
      .resources as Coverage[];
    const current = currentCoverage(coverages, plans);
    return current ? record.store.readStored<Coverage>('Coverage', current.id as string) : null;
  }

  /** Writes the draft's coverage over the current one (see coverage-resource.ts); inside the caller's transaction. */
  private saveCoverage(
    record: LocalRecord,
    draft: PatientDraft,
    patientId: string,
    current: StoredResource<Coverage> | null,
    context: Context,
    actor: Actor,
  ): RegistrationResult['coverage'] {
    const today = dayText(context.today);
    const wanted = draft.coverage;
    const plan = wanted ? context.coverages.byCode.get(wanted.plan) : undefined;
    if (!wanted || !plan) {
      if (current) record.store.update(cancelledCoverage(current.resource, today), actor, current.version);
      return null;
    }
    const next = coverageFromDraft(wanted, plan, patientId, today, current?.resource ?? null);
    if (current && next.id === current.resource.id) {
      if (sameContent(next, current.resource))
        return { id: current.resource.id as string, version: current.version };
      const updated = record.store.update(next, actor, current.version);
      return { id: updated.resource.id as string, version: updated.version };
    }
    if (current) record.store.update(cancelledCoverage(current.resource, today), actor, current.version);
    const created = record.store.create(next, actor);
    return { id: created.resource.id as string, version: created.version };
  }
}
