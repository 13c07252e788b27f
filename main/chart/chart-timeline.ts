/**
 * The chart's timeline: visits and the other dated events of a record, newest first, a page at a
 * time (the store's keyset cursor). A visit carries what was done at it (diagnoses, medicines,
 * whether a note was written), read in one query for the whole page; what belongs to a visit
 * (its diagnoses, its note) is not listed again on its own.
 */
import type {
  AllergyIntolerance,
  Condition,
  DiagnosticReport,
  DocumentReference,
  Encounter,
  ImagingStudy,
  Immunization,
  MedicationRequest,
  Resource,
  ServiceRequest,
} from '@medplum/fhirtypes';
import type { TimelineEntry, TimelineKind, TimelinePage } from '../contract/chart-types';
import type { ChartConcept } from '../contract/types';
import { clinicalDateOf, statusOf, type RecordResourceType } from '../record/resource-types';
import { readPatient, referenceId, type ChartContext } from './chart-context';
import type { ChartTerminology } from './chart-terminology';
import { conditionCategory } from './chart-views';
import { isVisitNoteDocument, visitNoteEncounterId } from './visit-note';
import { CONSULTATION } from './visits';

const timelineTypes: RecordResourceType[] = [
  'Encounter',
  'Condition',
  'AllergyIntolerance',
  'Immunization',
  'ServiceRequest',
  'DocumentReference',
  'DiagnosticReport',
  'ImagingStudy',
];

const kindOf: Partial<Record<string, TimelineKind>> = {
  Encounter: 'visit',
  Condition: 'problem',
  AllergyIntolerance: 'allergy',
  Immunization: 'immunization',
  ServiceRequest: 'referral',
  DocumentReference: 'document',
  DiagnosticReport: 'report',
  ImagingStudy: 'imaging',
};

/** Shown on its own, or inside its visit? */
function listed(resource: Resource): boolean {
  if (resource.resourceType === 'Condition') return conditionCategory(resource) === 'problem-list-item';
  if (resource.resourceType === 'DocumentReference') return !isVisitNoteDocument(resource);
  return true;
}

function textConcept(text: string | undefined): ChartConcept | null {
  return text ? { text, code: null, labels: {} } : null;
}

function titleOf(resource: Resource, terminology: ChartTerminology): ChartConcept | null {
  switch (resource.resourceType) {
    case 'Encounter': {
      const encounter = resource as Encounter;
      const reason = encounter.reasonCode?.[0];
      if (reason) return terminology.label(reason);
      // A plain consultation says nothing the entry's kind does not: the screen names it in its language.
      const type = encounter.type?.find(
        (concept) => !concept.coding?.some((coding) => coding.code === CONSULTATION.code),
      );
      return type ? terminology.label(type) : null;
    }
    case 'Condition':
      return terminology.label((resource as Condition).code);
    case 'AllergyIntolerance':
      return terminology.label((resource as AllergyIntolerance).code);
    case 'Immunization':
      return terminology.label((resource as Immunization).vaccineCode);
    case 'ServiceRequest': {
      const request = resource as ServiceRequest;
      const concept = request.code ?? request.performerType ?? request.reasonCode?.[0];
      return concept ? terminology.label(concept) : null;
    }
    case 'DocumentReference': {
      const document = resource as DocumentReference;
      return document.type ? terminology.label(document.type) : textConcept(document.description);
    }
    case 'DiagnosticReport':
      return terminology.label((resource as DiagnosticReport).code);
    case 'ImagingStudy': {
      const study = resource as ImagingStudy;
      return study.procedureCode?.[0]
        ? terminology.label(study.procedureCode[0])
        : textConcept(study.description);
    }
    default:
      return null;
  }
}

function practitionerOf(resource: Resource): string | null {
  switch (resource.resourceType) {
    case 'Encounter':
      return (
        (resource as Encounter).participant?.find((participant) => participant.individual?.display)
          ?.individual?.display ?? null
      );
    case 'Condition':
      return (resource as Condition).recorder?.display ?? null;
    case 'AllergyIntolerance':
      return (resource as AllergyIntolerance).recorder?.display ?? null;
    case 'Immunization':
      return (resource as Immunization).performer?.[0]?.actor.display ?? null;
    case 'ServiceRequest':
      return (resource as ServiceRequest).requester?.display ?? null;
    case 'DocumentReference':
      return (resource as DocumentReference).author?.[0]?.display ?? null;
    default:
      return null;
  }
}

interface VisitContents {
  diagnoses: Map<string, ChartConcept[]>;
  medications: Map<string, string[]>;
  notes: Set<string>;
}

/** What was done at each of these visits: one query over the patient's conditions, prescriptions and documents. */
function visitContents(context: ChartContext, patientId: string, encounterIds: string[]): VisitContents {
  const contents: VisitContents = { diagnoses: new Map(), medications: new Map(), notes: new Set() };
  if (encounterIds.length === 0) return contents;
  const references = JSON.stringify(encounterIds.map((id) => `Encounter/${id}`));
  const rows = context.record.queries
    .statement(
      `select json from resource
        where patient_id = ? and type in ('Condition', 'MedicationRequest', 'DocumentReference') and deleted = 0
          and (json_extract(json, '$.encounter.reference') in (select value from json_each(?))
            or json_extract(json, '$.context.encounter[0].reference') in (select value from json_each(?)))
        order by date asc, rowid asc`,
    )
    .all(patientId, references, references) as { json: string }[];
  for (const row of rows) {
    const resource = JSON.parse(row.json) as Resource;
    if (resource.resourceType === 'Condition') {
      const id = referenceId(resource.encounter, 'Encounter');
      if (!id || resource.verificationStatus?.coding?.[0]?.code === 'entered-in-error') continue;
      contents.diagnoses.set(id, [
        ...(contents.diagnoses.get(id) ?? []),
        context.terminology.label(resource.code),
      ]);
    } else if (resource.resourceType === 'MedicationRequest') {
      const request = resource as MedicationRequest;
      const id = referenceId(request.encounter, 'Encounter');
      const text =
        request.medicationCodeableConcept?.text ?? request.medicationCodeableConcept?.coding?.[0]?.display;
      if (!id || !text || request.status === 'entered-in-error' || request.status === 'draft') continue;
      contents.medications.set(id, [...(contents.medications.get(id) ?? []), text]);
    } else if (resource.resourceType === 'DocumentReference' && isVisitNoteDocument(resource)) {
      const id = visitNoteEncounterId(resource);
      if (id) contents.notes.add(id);
    }
  }
  return contents;
}

export function chartTimeline(
  context: ChartContext,
  request: { patientId: string; cursor?: string | undefined; limit?: number | undefined },
): TimelinePage {
  const { record, terminology } = context;
  const limit = request.limit ?? 30;
  return record.queries.transaction(() => {
    readPatient(record, request.patientId);
    const resources: Resource[] = [];
    let next: string | null = request.cursor ?? null;
    let first = true;
    // Rows shown inside their visit are skipped: read on until the page is full or the record ends.
    while (resources.length < limit && (first || next !== null)) {
      const page = record.store.listByPatient(request.patientId, {
        types: timelineTypes,
        limit: limit - resources.length,
        ...(next ? { after: next } : {}),
      });
      first = false;
      resources.push(...page.resources.filter(listed));
      next = page.next;
    }
    const encounterIds = resources
      .filter((resource) => resource.resourceType === 'Encounter')
      .map((resource) => resource.id as string);
    const contents = visitContents(context, request.patientId, encounterIds);
    const entries = resources.map((resource): TimelineEntry => {
      const id = resource.id as string;
      return {
        kind: kindOf[resource.resourceType] ?? 'document',
        resourceType: resource.resourceType,
        id,
        date: clinicalDateOf(resource),
        status: statusOf(resource),
        title: titleOf(resource, terminology),
        practitioner: practitionerOf(resource),
        diagnoses: contents.diagnoses.get(id) ?? [],
        medications: contents.medications.get(id) ?? [],
        hasNote: contents.notes.has(id),
      };
    });
    return { entries, next };
  });
}
