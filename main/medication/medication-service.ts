/**
 * The medication calls over the record: drug search, prescriptions (check, draft, sign, stop,
 * list), lab results (chart, entry from paper), immunizations (schedule, record a dose). Every
 * write goes through the record's store, in one transaction with its outbox and audit entries,
 * by the practitioner the record service names (`record.actor()`).
 */
import type {
  AllergyIntolerance,
  DetectedIssue,
  DiagnosticReport,
  Encounter,
  Immunization,
  MedicationRequest,
  Observation,
  Patient,
  Practitioner,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import type { ConfigStore } from '../config/config-store';
import type {
  Dosage,
  DrugHit,
  ImmunizationChartView,
  LabChartView,
  LabTestDefinition,
  MedicationListView,
  MedicationView,
  PrescriptionCheck,
  PrescriptionWarning,
  RecordedLabs,
  SavedDrafts,
  SignedPrescription,
} from '../contract/medication-types';
import { countries, type Country } from '../contract/types';
import { TabibError } from '../errors';
import type { Actor } from '../record/actor';
import { loadTerminology, type Terminology } from '../record/demo/terminology';
import type { LocalRecord } from '../record/local-record';
import type { RecordService } from '../record/record-service';
import type { RecordResourceType } from '../record/resource-types';
import { timeOrderedId } from '../record/time-ordered-id';
import { dispenseRequest, dosageInstruction, routeText } from './dosage-instruction';
import { ATC_SYSTEM, drugCatalogue, type DrugCatalogue } from './drug-catalogue';
import { CVX_SYSTEM, immunizationChart } from './immunization-schedule';
import {
  DIAGNOSTIC_SERVICE,
  LABORATORY_REPORT,
  LOINC,
  OBSERVATION_CATEGORY,
  UCUM,
  interpret,
  interpretationConcept,
  labChart,
  labDefinition,
  labResultView,
  terminologyRange,
} from './lab-results';
import { PRESCRIPTION_SYSTEM, WARNING_SYSTEM, medicationList, medicationView } from './medication-list';
import { atcOf, knownAllergies, prescriptionWarnings } from './prescription-warnings';

const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const MEDICATION_REQUEST_CATEGORY = 'http://terminology.hl7.org/CodeSystem/medicationrequest-category';
const IMMUNIZATION_ORIGIN = 'http://terminology.hl7.org/CodeSystem/immunization-origin';
const PERFORMER_FUNCTION = 'http://terminology.hl7.org/CodeSystem/v2-0443';

/** Clinic time zones (IANA), for "today" and for dates typed without a time. */
const clinicTimeZone: Record<Country, string> = {
  MA: 'Africa/Casablanca',
  DZ: 'Africa/Algiers',
  TN: 'Africa/Tunis',
};

/** One line of a prescription as the editor sends it. */
export interface PrescriptionItemInput extends Dosage {
  atc: string;
  form: string;
  strength: string;
  /** Renewals of a long-term treatment (dispenseRequest.numberOfRepeatsAllowed). */
  refills?: number | undefined;
}

export interface PrescriptionRequest {
  patientId: string;
  encounterId?: string | undefined;
  items?: PrescriptionItemInput[] | undefined;
  draftIds?: string[] | undefined;
}

export interface LabEntryInput {
  patientId: string;
  encounterId?: string | undefined;
  /** When the sample was taken: a date, or an instant with its offset. */
  effective: string;
  /** When the laboratory reported it (default: the effective date). */
  issued?: string | undefined;
  laboratory?: string | undefined;
  results: { code: string; value: number; comment?: string | undefined }[];
}

export interface ImmunizationInput {
  patientId: string;
  encounterId?: string | undefined;
  vaccine: string;
  dose: number;
  /** `YYYY-MM-DD`. */
  date: string;
  lot?: string | undefined;
  /** Given here (administered), or copied from the vaccination booklet (reported). */
  source?: 'administered' | 'reported' | undefined;
}

export interface MedicationServiceDependencies {
  record: RecordService;
  config: ConfigStore;
  resourcesDir: string;
}

/** A Practitioner reference for the actor, or null when the actor is the workstation itself. */
function practitionerOf(actor: Actor): Reference<Practitioner> | null {
  return actor.reference.startsWith('Practitioner/')
    ? { reference: actor.reference, display: actor.display }
    : null;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The warning in French, as the record keeps it (DetectedIssue.detail) and logs show it. */
export function warningDetail(warning: PrescriptionWarning): string {
  const drug = warning.drug.inn;
  switch (warning.kind) {
    case 'allergy':
      return `Allergie documentée (${warning.allergy?.text ?? ''}) : ${drug}${
        warning.substance && warning.substance !== drug ? ` contient ${warning.substance}` : ''
      }${warning.group ? ` (${warning.group.fr})` : ''}`;
    case 'crossReactivity':
      return `Risque d’allergie croisée avec ${warning.allergy?.text ?? ''} : ${drug}${
        warning.group ? ` (${warning.group.fr})` : ''
      }`;
    case 'duplicateSubstance':
      return `Doublon : ${drug} et ${warning.other?.text ?? ''} contiennent ${warning.substance ?? drug}`;
    case 'duplicateClass':
      return `Même classe thérapeutique${warning.group ? ` (${warning.group.fr})` : ''} : ${drug} et ${
        warning.other?.text ?? ''
      }`;
  }
}

export class MedicationService {
  constructor(private readonly deps: MedicationServiceDependencies) {}

  private get catalogue(): DrugCatalogue {
    return drugCatalogue(this.deps.resourcesDir);
  }

  private get terminology(): Terminology {
    return loadTerminology(this.deps.resourcesDir);
  }

  searchDrugs(query: string, limit?: number): DrugHit[] {
    return this.catalogue.search(query, limit);
  }

  // --- Reading the record.

  private patient(record: LocalRecord, patientId: string): Patient {
    const patient = record.store.read<Patient>('Patient', patientId);
    if (!patient) throw new TabibError('RESOURCE_NOT_FOUND', `Patient/${patientId} is not in the record`);
    return patient;
  }

  private encounter(
    record: LocalRecord,
    encounterId: string | undefined,
    patientId: string,
  ): Reference<Encounter> | null {
    if (!encounterId) return null;
    const encounter = record.store.read<Encounter>('Encounter', encounterId);
    if (!encounter)
      throw new TabibError('RESOURCE_NOT_FOUND', `Encounter/${encounterId} is not in the record`);
    if (encounter.subject?.reference !== `Patient/${patientId}`)
      throw new TabibError(
        'CHART_PATIENT_MISMATCH',
        `Encounter/${encounterId} is not a visit of Patient/${patientId}`,
        {
          resourceType: 'Encounter',
          id: encounterId,
          patientId,
        },
      );
    return { reference: `Encounter/${encounterId}` };
  }

  /** All of a patient's resources of some types, page by page. */
  private all<T extends Resource>(record: LocalRecord, patientId: string, types: RecordResourceType[]): T[] {
    const resources: T[] = [];
    let after: string | null = null;
    do {
      const page = record.store.listByPatient(patientId, { types, limit: 1000, ...(after ? { after } : {}) });
      resources.push(...(page.resources as T[]));
      after = page.next;
    } while (after);
    return resources;
  }

  /** The patient's country (their address), else the workstation's. */
  private countryOf(patient: Patient): Country {
    const country = patient.address?.find((address) => address.country)?.country?.toUpperCase();
    return (countries as readonly string[]).includes(country ?? '')
      ? (country as Country)
      : this.deps.config.effective().country;
  }

  /** Today in the clinic's time zone, `YYYY-MM-DD`. */
  private today(country: Country): string {
    return new Intl.DateTimeFormat('en-CA', { timeZone: clinicTimeZone[country] }).format(
      this.deps.record.now(),
    );
  }

  /** A clinical date must not be before birth nor after today. */
  private assertClinicalDate(value: string, patient: Patient, what: string): void {
    const date =
      value.length === 10
        ? value
        : new Intl.DateTimeFormat('en-CA', {
            timeZone: clinicTimeZone[this.countryOf(patient)],
          }).format(new Date(value));
    const today = this.today(this.countryOf(patient));
    if (date > today || (patient.birthDate && date < patient.birthDate))
      throw new TabibError('CLINICAL_DATE_INVALID', `${what} ${value} is before birth or after today`, {
        field: what,
        value,
        birthDate: patient.birthDate ?? null,
        today,
      });
  }

  // --- Prescriptions.

  private drafts(record: LocalRecord, patientId: string, draftIds: readonly string[]) {
    return draftIds.map((id) => {
      const stored = record.store.readStored<MedicationRequest>('MedicationRequest', id);
      const request = stored?.resource;
      const atc = request ? atcOf(request) : null;
      if (
        !stored ||
        !request ||
        request.status !== 'draft' ||
        request.subject?.reference !== `Patient/${patientId}` ||
        !atc
      )
        throw new TabibError(
          'PRESCRIPTION_DRAFT_INVALID',
          `MedicationRequest/${id} is not a draft of Patient/${patientId}`,
          {
            id,
            status: request?.status ?? null,
          },
        );
      return { stored: stored as { resource: MedicationRequest; version: number }, atc };
    });
  }

  private warningsFor(record: LocalRecord, patientId: string, atcCodes: string[]): PrescriptionWarning[] {
    const allergies = this.all<AllergyIntolerance>(record, patientId, ['AllergyIntolerance']);
    const now = this.deps.record.now();
    const taken = this.all<MedicationRequest>(record, patientId, ['MedicationRequest'])
      .map((request) => medicationView(this.catalogue, request, now))
      .filter((view) => view.current)
      .map((view) => ({ id: view.id, atc: view.atc, text: view.text }));
    return prescriptionWarnings(
      this.catalogue,
      atcCodes.map((atc) => ({ atc })),
      { allergies: knownAllergies(allergies), taken },
    );
  }

  private checkItems(items: readonly PrescriptionItemInput[]): void {
    for (const item of items) this.catalogue.presentation(item.atc, item.form, item.strength);
  }

  async check(request: PrescriptionRequest): Promise<PrescriptionCheck> {
    const record = await this.deps.record.open();
    this.patient(record, request.patientId);
    const items = request.items ?? [];
    this.checkItems(items);
    const drafts = this.drafts(record, request.patientId, request.draftIds ?? []);
    const atcCodes = [...items.map((item) => item.atc), ...drafts.map((draft) => draft.atc)];
    return { warnings: this.warningsFor(record, request.patientId, atcCodes) };
  }

  /** A MedicationRequest for one line of the editor. */
  private requestFor(
    item: PrescriptionItemInput,
    patientId: string,
    encounter: Reference<Encounter> | null,
    status: 'draft' | 'active',
  ): MedicationRequest {
    const medication = this.catalogue.require(item.atc);
    const presentation = this.catalogue.presentation(item.atc, item.form, item.strength);
    return {
      resourceType: 'MedicationRequest',
      id: timeOrderedId(),
      status,
      intent: 'order',
      category: [
        { coding: [{ system: MEDICATION_REQUEST_CATEGORY, code: 'community', display: 'Community' }] },
      ],
      medicationCodeableConcept: {
        coding: [{ system: ATC_SYSTEM, code: medication.atc, display: medication.en }],
        text: `${capitalised(medication.inn)} ${presentation.strength}, ${presentation.form}`,
      },
      subject: { reference: `Patient/${patientId}` },
      ...(encounter ? { encounter } : {}),
      dosageInstruction: [dosageInstruction(item, presentation.route)],
      dispenseRequest: dispenseRequest(item, item.refills),
    };
  }

  async saveDraft(request: PrescriptionRequest & { items: PrescriptionItemInput[] }): Promise<SavedDrafts> {
    const record = await this.deps.record.open();
    const actor = this.deps.record.actor();
    const now = this.deps.record.now();
    this.checkItems(request.items);
    return record.queries.transaction(() => {
      this.patient(record, request.patientId);
      const encounter = this.encounter(record, request.encounterId, request.patientId);
      const warnings = this.warningsFor(
        record,
        request.patientId,
        request.items.map((item) => item.atc),
      );
      const drafts = request.items.map(
        (item) =>
          record.store.create(this.requestFor(item, request.patientId, encounter, 'draft'), actor).resource,
      );
      return { drafts: drafts.map((draft) => medicationView(this.catalogue, draft, now)), warnings };
    });
  }

  async discardDraft(id: string): Promise<void> {
    const record = await this.deps.record.open();
    const actor = this.deps.record.actor();
    record.queries.transaction(() => {
      const request = record.store.read<MedicationRequest>('MedicationRequest', id);
      if (!request || request.status !== 'draft')
        throw new TabibError('PRESCRIPTION_DRAFT_INVALID', `MedicationRequest/${id} is not a draft`, {
          id,
          status: request?.status ?? null,
        });
      record.store.delete('MedicationRequest', id, actor);
    });
  }

  /**
   * Signs a prescription: every line becomes an active order of the signing practitioner, one
   * groupIdentifier for them all, in one transaction. Refused while a warning is not acknowledged.
   */
  async sign(request: PrescriptionRequest & { acknowledgedWarnings: string[] }): Promise<SignedPrescription> {
    const record = await this.deps.record.open();
    const actor = this.deps.record.actor();
    const requester = practitionerOf(actor);
    const items = request.items ?? [];
    this.checkItems(items);
    return record.queries.transaction(() => {
      const patientId = request.patientId;
      this.patient(record, patientId);
      const encounter = this.encounter(record, request.encounterId, patientId);
      const drafts = this.drafts(record, patientId, request.draftIds ?? []);
      const atcCodes = [...items.map((item) => item.atc), ...drafts.map((draft) => draft.atc)];
      const warnings = this.warningsFor(record, patientId, atcCodes);
      const acknowledged = new Set(request.acknowledgedWarnings);
      const pending = warnings.filter((warning) => !acknowledged.has(warning.id));
      if (pending.length > 0)
        throw new TabibError(
          'PRESCRIPTION_WARNINGS_UNACKNOWLEDGED',
          `Acknowledge before signing: ${pending.map(warningDetail).join('; ')}`,
          { warnings: pending },
        );
      if (!requester)
        throw new TabibError(
          'PRESCRIBER_REQUIRED',
          `${actor.reference} is not a practitioner: only a doctor signs`,
        );

      const now = this.deps.record.now().toISOString();
      const group = { system: PRESCRIPTION_SYSTEM, value: timeOrderedId() };
      const signedFields = (index: number): Partial<MedicationRequest> => {
        const issues = warnings
          .filter((warning) => warning.itemIndex === index)
          .map((warning, position): DetectedIssue =>
            this.detectedIssue(warning, position, patientId, requester, now),
          );
        return {
          status: 'active',
          authoredOn: now,
          requester,
          groupIdentifier: { ...group },
          ...(issues.length > 0
            ? { contained: issues, detectedIssue: issues.map((issue) => ({ reference: `#${issue.id}` })) }
            : {}),
        };
      };
      const signed: MedicationRequest[] = [];
      items.forEach((item, index) => {
        const created = { ...this.requestFor(item, patientId, encounter, 'active'), ...signedFields(index) };
        signed.push(record.store.create(created, actor).resource);
      });
      drafts.forEach((draft, offset) => {
        const index = items.length + offset;
        const updated: MedicationRequest = {
          ...draft.stored.resource,
          ...(encounter ? { encounter } : {}),
          ...signedFields(index),
        };
        signed.push(record.store.update(updated, actor, draft.stored.version).resource);
      });
      const views = signed.map((resource) => medicationView(this.catalogue, resource, new Date(now)));
      return {
        prescription: {
          id: group.value,
          authoredOn: now,
          requester: { reference: requester.reference as string, display: requester.display ?? null },
          encounterId: encounter?.reference?.slice('Encounter/'.length) ?? null,
          medications: views,
        },
        acknowledged: warnings,
      };
    });
  }

  /** The acknowledged warning, kept with the order it concerns (FHIR R4 detectedissue.html). */
  private detectedIssue(
    warning: PrescriptionWarning,
    position: number,
    patientId: string,
    author: Reference<Practitioner>,
    now: string,
  ): DetectedIssue {
    const allergy = warning.kind === 'allergy' || warning.kind === 'crossReactivity';
    const implicated: Reference[] = [];
    if (warning.allergy) implicated.push({ reference: `AllergyIntolerance/${warning.allergy.id}` });
    if (warning.other?.medicationRequestId)
      implicated.push({ reference: `MedicationRequest/${warning.other.medicationRequestId}` });
    return {
      resourceType: 'DetectedIssue',
      id: `warning-${position + 1}`,
      identifier: [{ system: WARNING_SYSTEM, value: warning.id }],
      status: 'final',
      code: {
        coding: [
          allergy
            ? { system: ACT_CODE, code: 'ALGY', display: 'Allergy Alert' }
            : { system: ACT_CODE, code: 'DUPTHPY', display: 'Duplicate Therapy Alert' },
        ],
      },
      severity: warning.severity,
      patient: { reference: `Patient/${patientId}` },
      identifiedDateTime: now,
      author,
      ...(implicated.length > 0 ? { implicated } : {}),
      detail: warningDetail(warning),
      mitigation: [
        { action: { text: 'Avertissement lu et accepté par le prescripteur' }, date: now, author },
      ],
    };
  }

  async stop(id: string, reason: string): Promise<MedicationView> {
    const record = await this.deps.record.open();
    const actor = this.deps.record.actor();
    const now = this.deps.record.now();
    return record.queries.transaction(() => {
      const stored = record.store.readStored<MedicationRequest>('MedicationRequest', id);
      if (!stored) throw new TabibError('RESOURCE_NOT_FOUND', `MedicationRequest/${id} is not in the record`);
      const request = stored.resource;
      if (request.status !== 'active' && request.status !== 'on-hold')
        throw new TabibError(
          'MEDICATION_NOT_ACTIVE',
          `MedicationRequest/${id} is ${request.status}: only an active one stops`,
          {
            status: request.status,
          },
        );
      const updated: MedicationRequest = {
        ...request,
        status: 'stopped',
        statusReason: { text: reason },
        note: [
          ...(request.note ?? []),
          {
            authorReference: { reference: actor.reference, display: actor.display },
            time: now.toISOString(),
            text: `Arrêté : ${reason}`,
          },
        ],
      };
      return medicationView(
        this.catalogue,
        record.store.update(updated, actor, stored.version).resource,
        now,
      );
    });
  }

  async list(patientId: string): Promise<MedicationListView> {
    const record = await this.deps.record.open();
    this.patient(record, patientId);
    return medicationList(
      this.catalogue,
      this.all<MedicationRequest>(record, patientId, ['MedicationRequest']),
      this.deps.record.now(),
    );
  }

  // --- Lab results.

  labTests(patientSex: string | null): LabTestDefinition[] {
    return this.terminology.labTests.tests.map((test) => labDefinition(test, patientSex));
  }

  async labs(patientId: string): Promise<LabChartView> {
    const record = await this.deps.record.open();
    const patient = this.patient(record, patientId);
    const chart = labChart(
      this.all<Observation>(record, patientId, ['Observation']),
      this.all<DiagnosticReport>(record, patientId, ['DiagnosticReport']),
      this.terminology.labTestByCode,
      patient.gender ?? null,
    );
    return {
      ...chart,
      definitions: this.labTests(patient.gender ?? null),
      today: this.today(this.countryOf(patient)),
    };
  }

  /** Results received on paper: one Observation each and a DiagnosticReport holding them. */
  async recordLabs(input: LabEntryInput): Promise<RecordedLabs> {
    const record = await this.deps.record.open();
    const actor = this.deps.record.actor();
    const tests = this.terminology.labTestByCode;
    const codes = new Set<string>();
    for (const result of input.results) {
      if (!tests.has(result.code))
        throw new TabibError('LAB_TEST_UNKNOWN', `No lab test with LOINC code ${result.code}`, {
          code: result.code,
        });
      if (codes.has(result.code))
        throw new TabibError('INVALID_ARGUMENT', `LOINC ${result.code} is entered twice`, {
          code: result.code,
        });
      codes.add(result.code);
    }
    return record.queries.transaction(() => {
      const patient = this.patient(record, input.patientId);
      const encounter = this.encounter(record, input.encounterId, input.patientId);
      this.assertClinicalDate(input.effective, patient, 'effective');
      if (input.issued) this.assertClinicalDate(input.issued, patient, 'issued');
      if (input.issued && input.issued.slice(0, 10) < input.effective.slice(0, 10))
        throw new TabibError('CLINICAL_DATE_INVALID', 'A report is issued after the sample is taken', {
          field: 'issued',
          value: input.issued,
        });
      const issued = input.issued ?? input.effective;
      const laboratory = input.laboratory?.trim();
      const performer = laboratory ? [{ display: laboratory }] : undefined;
      const observations = input.results.map((result) => {
        const test = tests.get(result.code);
        if (!test) throw new TabibError('LAB_TEST_UNKNOWN', `No lab test with LOINC code ${result.code}`);
        const range = terminologyRange(test, patient.gender ?? null);
        const unit = test.unitDisplay ?? test.unit;
        const flag = interpret(
          test.code,
          result.value,
          range ? { low: range.low ?? null, high: range.high ?? null } : null,
        );
        const observation: Observation = {
          resourceType: 'Observation',
          id: timeOrderedId(),
          status: 'final',
          category: [
            { coding: [{ system: OBSERVATION_CATEGORY, code: 'laboratory', display: 'Laboratory' }] },
          ],
          code: { coding: [{ system: LOINC, code: test.code, display: test.en }], text: test.fr },
          subject: { reference: `Patient/${input.patientId}` },
          ...(encounter ? { encounter } : {}),
          effectiveDateTime: input.effective,
          issued: issued.length === 10 ? `${issued}T00:00:00Z` : new Date(issued).toISOString(),
          ...(performer ? { performer } : {}),
          valueQuantity: { value: result.value, unit, system: UCUM, code: test.unit },
          ...(flag ? { interpretation: [interpretationConcept(flag)] } : {}),
          ...(range
            ? {
                referenceRange: [
                  {
                    ...(range.low !== undefined
                      ? { low: { value: range.low, unit, system: UCUM, code: test.unit } }
                      : {}),
                    ...(range.high !== undefined
                      ? { high: { value: range.high, unit, system: UCUM, code: test.unit } }
                      : {}),
                  },
                ],
              }
            : {}),
          ...(result.comment?.trim() ? { note: [{ text: result.comment.trim() }] } : {}),
        };
        return record.store.create(observation, actor).resource;
      });
      const report: DiagnosticReport = {
        resourceType: 'DiagnosticReport',
        id: timeOrderedId(),
        status: 'final',
        category: [{ coding: [{ system: DIAGNOSTIC_SERVICE, code: 'LAB', display: 'Laboratory' }] }],
        code: {
          coding: [{ system: LOINC, code: LABORATORY_REPORT.code, display: LABORATORY_REPORT.display }],
          text: LABORATORY_REPORT.text,
        },
        subject: { reference: `Patient/${input.patientId}` },
        ...(encounter ? { encounter } : {}),
        effectiveDateTime: input.effective,
        issued: observations[0]?.issued as string,
        ...(performer ? { performer } : {}),
        result: observations.map((observation) => ({ reference: `Observation/${observation.id}` })),
      };
      const created = record.store.create(report, actor).resource;
      const reportOf = new Map(
        observations.map((observation) => [observation.id as string, created.id as string]),
      );
      return {
        reportId: created.id as string,
        observationIds: observations.map((observation) => observation.id as string),
        results: observations.map((observation) =>
          labResultView(observation, tests, patient.gender ?? null, reportOf),
        ),
      };
    });
  }

  // --- Immunizations.

  async immunizations(patientId: string): Promise<ImmunizationChartView> {
    const record = await this.deps.record.open();
    const patient = this.patient(record, patientId);
    const country = this.countryOf(patient);
    return immunizationChart({
      vaccines: this.terminology.vaccines,
      country,
      birthDate: patient.birthDate ?? null,
      gender: patient.gender ?? null,
      immunizations: this.all<Immunization>(record, patientId, ['Immunization']),
      today: this.today(country),
      asOf: this.deps.record.now().toISOString(),
    });
  }

  async recordImmunization(input: ImmunizationInput): Promise<ImmunizationChartView> {
    const record = await this.deps.record.open();
    const actor = this.deps.record.actor();
    const vaccine = this.terminology.vaccineById.get(input.vaccine);
    if (!vaccine)
      throw new TabibError('VACCINE_UNKNOWN', `No vaccine ${input.vaccine}`, { vaccine: input.vaccine });
    record.queries.transaction(() => {
      const patient = this.patient(record, input.patientId);
      const encounter = this.encounter(record, input.encounterId, input.patientId);
      this.assertClinicalDate(input.date, patient, 'date');
      const country = this.countryOf(patient);
      const schedule = this.terminology.vaccines.schedules[country];
      const series =
        schedule.find((entry) => entry.vaccine === vaccine.id && entry.dose === input.dose)?.series ??
        schedule.find((entry) => entry.vaccine === vaccine.id)?.series ??
        vaccine.id;
      const existing = this.all<Immunization>(record, input.patientId, ['Immunization']).find(
        (immunization) =>
          immunization.status === 'completed' &&
          immunization.protocolApplied?.some(
            (protocol) => protocol.series === series && protocol.doseNumberPositiveInt === input.dose,
          ),
      );
      if (existing)
        throw new TabibError(
          'IMMUNIZATION_ALREADY_RECORDED',
          `${series} dose ${input.dose} is already recorded (Immunization/${existing.id})`,
          { series, dose: input.dose, immunizationId: existing.id },
        );
      const administered = (input.source ?? 'administered') === 'administered';
      const performer = practitionerOf(actor);
      const immunization: Immunization = {
        resourceType: 'Immunization',
        id: timeOrderedId(),
        status: 'completed',
        vaccineCode: {
          coding: [
            { system: CVX_SYSTEM, code: vaccine.cvx, display: vaccine.en },
            { system: ATC_SYSTEM, code: vaccine.atc },
          ],
          text: vaccine.fr,
        },
        patient: { reference: `Patient/${input.patientId}` },
        ...(encounter ? { encounter } : {}),
        occurrenceDateTime: input.date,
        recorded: this.deps.record.now().toISOString(),
        primarySource: administered,
        ...(administered
          ? {}
          : {
              reportOrigin: {
                coding: [{ system: IMMUNIZATION_ORIGIN, code: 'record', display: 'Written Record' }],
                text: 'Carnet de vaccination',
              },
            }),
        ...(input.lot?.trim() ? { lotNumber: input.lot.trim() } : {}),
        route: { text: routeText[vaccine.route] },
        ...(administered && performer
          ? {
              performer: [
                {
                  function: {
                    coding: [{ system: PERFORMER_FUNCTION, code: 'AP', display: 'Administering Provider' }],
                  },
                  actor: performer,
                },
              ],
            }
          : {}),
        protocolApplied: [{ series, doseNumberPositiveInt: input.dose }],
      };
      record.store.create(immunization, actor);
    });
    return this.immunizations(input.patientId);
  }
}
