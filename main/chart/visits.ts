/**
 * Visits: an Encounter (class AMB, in-progress → finished, the practitioner as primary performer,
 * the facility as service provider), its structured note (visit-note.ts) and its diagnoses —
 * ICD-10 Conditions (category encounter-diagnosis) linked in Encounter.diagnosis. A save is one
 * transaction over all of them, with optimistic concurrency on the Encounter and on the note
 * (FHIR R4 http.html#concurrency: the versions read are passed back; a change made meanwhile
 * is refused with VERSION_CONFLICT, nothing written).
 */
import type { Condition, Encounter, EncounterDiagnosis, Observation } from '@medplum/fhirtypes';
import type { DiagnosisView, StartedVisit, VisitNote, VisitView } from '../contract/chart-types';
import { TabibError } from '../errors';
import type { StoredResource } from '../record/resource-store';
import {
  assertOfPatient,
  facilityReference,
  likeText,
  openEncounter,
  patientResources,
  practitionerReference,
  readPatient,
  referenceId,
  type ChartContext,
} from './chart-context';
import { icd10CodeableConcept } from './chart-terminology';
import { isAdult } from './chart-summary';
import { conditionCategory, conditionCategoryConcept } from './chart-views';
import { findVisitNote } from './visit-note-lookup';
import { emptyVisitNote, isVisitNoteEmpty, visitNoteDocument, visitNoteSections } from './visit-note';
import { vitalReading } from './vital-signs';

const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const PARTICIPATION_TYPE = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
/** SNOMED CT 11429006 |Consultation (procedure)|: what the visit is, whatever the interface's language. */
export const CONSULTATION = { system: 'http://snomed.info/sct', code: '11429006', display: 'Consultation' };

export interface SaveVisitRequest {
  encounterId: string;
  versions: { encounter: number; note: number | null };
  note: VisitNote;
  /** ICD-10 codes, the main diagnosis first. */
  diagnoses: string[];
  /** Finish the visit (status finished, period.end now, the note final). */
  finish: boolean;
}

function readEncounter(context: ChartContext, encounterId: string): StoredResource<Encounter> {
  const stored = context.record.store.readStored<Encounter>('Encounter', encounterId);
  if (!stored) throw new TabibError('RESOURCE_NOT_FOUND', `Encounter/${encounterId} is not in the record`);
  return stored;
}

function patientIdOf(encounter: Encounter): string {
  const id = referenceId(encounter.subject, 'Patient');
  if (!id) throw new TabibError('RESOURCE_INVALID', `Encounter/${encounter.id} has no patient`);
  return id;
}

/** A visit that was cancelled or entered in error is no longer written to. */
export function assertWritableVisit(encounter: Encounter): void {
  if (encounter.status === 'cancelled' || encounter.status === 'entered-in-error')
    throw new TabibError('VISIT_CLOSED', `Encounter/${encounter.id} is ${encounter.status}`, {
      status: encounter.status,
    });
}

/** The visit's diagnoses: those linked in Encounter.diagnosis (by rank), then diagnoses that name the visit without being linked. */
function visitDiagnoses(
  context: ChartContext,
  encounter: Encounter,
  patientId: string,
): StoredResource<Condition>[] {
  const found: StoredResource<Condition>[] = [];
  const seen = new Set<string>();
  const linked = [...(encounter.diagnosis ?? [])].sort((a, b) => (a.rank ?? 99) - (b.rank ?? 99));
  for (const diagnosis of linked) {
    const id = referenceId(diagnosis.condition, 'Condition');
    const stored = id ? context.record.store.readStored<Condition>('Condition', id) : null;
    if (stored && id && !seen.has(id)) {
      found.push(stored);
      seen.add(id);
    }
  }
  const naming = patientResources<Condition>(context.record, patientId, 'Condition', {
    jsonLike: `%"Encounter/${likeText(encounter.id as string)}"%`,
    order: 'asc',
  });
  for (const stored of naming) {
    const condition = stored.resource;
    if (seen.has(condition.id as string)) continue;
    if (referenceId(condition.encounter, 'Encounter') !== encounter.id) continue;
    if (conditionCategory(condition) !== 'encounter-diagnosis') continue;
    if (condition.verificationStatus?.coding?.[0]?.code === 'entered-in-error') continue;
    found.push(stored);
    seen.add(condition.id as string);
  }
  return found;
}

function visitVitals(context: ChartContext, encounterId: string, patientId: string, adult: boolean | null) {
  return patientResources<Observation>(context.record, patientId, 'Observation', {
    jsonLike: `%"Encounter/${likeText(encounterId)}"%`,
    order: 'asc',
  })
    .filter((stored) => referenceId(stored.resource.encounter, 'Encounter') === encounterId)
    .flatMap((stored) => vitalReading(stored.resource, adult) ?? []);
}

export function visitView(context: ChartContext, stored: StoredResource<Encounter>): VisitView {
  const encounter = stored.resource;
  const patientId = patientIdOf(encounter);
  const patient = readPatient(context.record, patientId);
  const note = findVisitNote(context.record, encounter.id as string);
  const diagnoses = visitDiagnoses(context, encounter, patientId).map((condition, index): DiagnosisView => ({
    conditionId: condition.resource.id as string,
    concept: context.terminology.label(condition.resource.code),
    rank: index + 1,
  }));
  return {
    encounterId: encounter.id as string,
    patientId,
    status: encounter.status,
    start: encounter.period?.start ?? null,
    end: encounter.period?.end ?? null,
    type: encounter.type?.[0]?.text ?? encounter.type?.[0]?.coding?.[0]?.display ?? null,
    practitioner:
      encounter.participant?.find((participant) => participant.individual?.display)?.individual?.display ??
      null,
    note: note?.note ?? emptyVisitNote(),
    noteId: note?.stored.resource.id ?? null,
    diagnoses,
    vitals: visitVitals(context, encounter.id as string, patientId, isAdult(context, patient.birthDate)),
    versions: { encounter: stored.version, note: note?.stored.version ?? null },
  };
}

export function readVisit(context: ChartContext, encounterId: string): VisitView {
  return context.record.queries.transaction(() => visitView(context, readEncounter(context, encounterId)));
}

/** Starts a visit for the patient, or gives back the one already in progress (a second click, another tab). */
export function startVisit(context: ChartContext, patientId: string): StartedVisit {
  const { record } = context;
  return record.queries.transaction(() => {
    readPatient(record, patientId);
    const open = openEncounter(record, patientId);
    if (open) return { visit: visitView(context, open), resumed: true };
    const practitioner = practitionerReference(context);
    const serviceProvider = facilityReference(context);
    const encounter: Encounter = {
      resourceType: 'Encounter',
      status: 'in-progress',
      class: { system: ACT_CODE, code: 'AMB', display: 'ambulatory' },
      type: [{ coding: [{ ...CONSULTATION }] }],
      subject: { reference: `Patient/${patientId}` },
      ...(practitioner
        ? {
            participant: [
              {
                type: [
                  { coding: [{ system: PARTICIPATION_TYPE, code: 'PPRF', display: 'primary performer' }] },
                ],
                individual: practitioner,
              },
            ],
          }
        : {}),
      period: { start: context.now.toISOString() },
      ...(serviceProvider ? { serviceProvider } : {}),
    };
    const created = record.store.create(encounter, context.actor);
    return { visit: visitView(context, created), resumed: false };
  });
}

function sameNote(a: VisitNote, b: VisitNote): boolean {
  return visitNoteSections.every((section) => a[section] === b[section]);
}

/**
 * Saves the note and the diagnoses, and finishes the visit when asked. Diagnoses no longer listed
 * are removed (they were made at this visit); new codes become Conditions; the order given is
 * the rank (1 = main diagnosis). What did not change is not written again.
 */
export function saveVisit(context: ChartContext, request: SaveVisitRequest): VisitView {
  const { record, terminology, actor } = context;
  return record.queries.transaction(() => {
    const stored = readEncounter(context, request.encounterId);
    if (stored.version !== request.versions.encounter)
      throw new TabibError('VERSION_CONFLICT', `Encounter/${request.encounterId} changed meanwhile`, {
        expected: request.versions.encounter,
        current: stored.version,
      });
    const encounter = stored.resource;
    assertWritableVisit(encounter);
    const patientId = patientIdOf(encounter);
    const now = context.now.toISOString();

    const codes = [...new Set(request.diagnoses)];
    const hits = codes.map((code) => {
      const hit = terminology.icd10Code(code);
      if (!hit)
        throw new TabibError('TERMINOLOGY_UNKNOWN_CODE', `${code} is not an ICD-10 code Tabib knows`, {
          system: 'http://hl7.org/fhir/sid/icd-10',
          code,
        });
      return hit;
    });

    // The note: written when new or changed, at the version the doctor read.
    const finished = request.finish || encounter.status === 'finished';
    const existing = findVisitNote(record, request.encounterId);
    if ((existing?.stored.version ?? null) !== request.versions.note)
      throw new TabibError(
        'VERSION_CONFLICT',
        `The note of Encounter/${request.encounterId} changed meanwhile`,
        {
          expected: request.versions.note,
          current: existing?.stored.version ?? null,
        },
      );
    const practitioner = practitionerReference(context);
    const author = practitioner ?? { display: actor.display };
    // An empty note is not written as a document until something is typed.
    const noteChanged = existing ? !sameNote(existing.note, request.note) : !isVisitNoteEmpty(request.note);
    const finalising = existing !== null && existing.stored.resource.docStatus !== 'final' && finished;
    if (noteChanged || finalising) {
      const document = visitNoteDocument({
        note: request.note,
        patientId,
        encounterId: request.encounterId,
        author,
        date: now,
        final: finished,
        language: context.language,
        ...(encounter.period
          ? {
              period: {
                ...encounter.period,
                ...(request.finish && !encounter.period.end ? { end: now } : {}),
              },
            }
          : {}),
        ...(existing ? { previous: existing.stored.resource } : {}),
      });
      if (existing) record.store.update(document, actor, existing.stored.version);
      else record.store.create(document, actor);
    }

    // The diagnoses: kept when still listed, created when new, removed when no longer listed.
    const current = visitDiagnoses(context, encounter, patientId);
    const byCode = new Map<string, StoredResource<Condition>>();
    for (const condition of current) {
      const code = condition.resource.code?.coding?.find(
        (coding) => coding.system === 'http://hl7.org/fhir/sid/icd-10',
      )?.code;
      if (code && !byCode.has(code)) byCode.set(code, condition);
    }
    const linked: EncounterDiagnosis[] = hits.map((hit, index) => {
      let condition = byCode.get(hit.code)?.resource;
      if (!condition) {
        condition = record.store.create<Condition>(
          {
            resourceType: 'Condition',
            clinicalStatus: {
              coding: [
                { system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' },
              ],
            },
            verificationStatus: {
              coding: [
                { system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' },
              ],
            },
            category: [conditionCategoryConcept('encounter-diagnosis')],
            code: icd10CodeableConcept(hit),
            subject: { reference: `Patient/${patientId}` },
            encounter: { reference: `Encounter/${request.encounterId}` },
            onsetDateTime: encounter.period?.start ?? now,
            recordedDate: now,
            ...(practitioner ? { recorder: practitioner, asserter: practitioner } : {}),
          },
          actor,
        ).resource;
      }
      return { condition: { reference: `Condition/${condition.id}` }, rank: index + 1 };
    });
    const kept = new Set(linked.map((diagnosis) => diagnosis.condition.reference));
    for (const condition of current) {
      if (kept.has(`Condition/${condition.resource.id}`)) continue;
      assertOfPatient(condition.resource, patientId);
      // A diagnosis made at this visit goes; a problem of the list that was linked is only unlinked.
      const madeHere =
        conditionCategory(condition.resource) === 'encounter-diagnosis' &&
        referenceId(condition.resource.encounter, 'Encounter') === request.encounterId;
      if (madeHere) record.store.delete('Condition', condition.resource.id as string, actor);
    }

    // The Encounter: its diagnoses, its participant, finished when asked.
    const participants = [...(encounter.participant ?? [])];
    if (
      practitioner?.reference &&
      !participants.some((participant) => participant.individual?.reference === practitioner.reference)
    )
      participants.push({
        type: [{ coding: [{ system: PARTICIPATION_TYPE, code: 'PART', display: 'Participation' }] }],
        individual: practitioner,
      });
    const updated: Encounter = {
      ...encounter,
      ...(participants.length ? { participant: participants } : {}),
      ...(request.finish
        ? { status: 'finished', period: { ...encounter.period, end: encounter.period?.end ?? now } }
        : {}),
    };
    if (linked.length) updated.diagnosis = linked;
    else delete updated.diagnosis;
    const encounterChanged = JSON.stringify(updated) !== JSON.stringify(encounter);
    const saved = encounterChanged ? record.store.update(updated, actor, stored.version) : stored;
    return visitView(context, saved);
  });
}
