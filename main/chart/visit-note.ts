/**
 * The structured visit note and how the record holds it: a FHIR R4 DocumentReference (one per
 * visit) whose
 * - `type` is LOINC 11506-3 "Progress note", `category` the clinical note;
 * - `context.encounter` is the visit's Encounter, `subject` the patient, `author` the practitioner;
 * - `docStatus` is `preliminary` while the visit is open and `final` once it is finished;
 * - `content[0].attachment` is the note as readable text (Markdown, UTF-8, base64 in `data`) with
 *   its five headings in the note's language: what the national record and any FHIR reader show;
 * - extension `urn:tabib:extension:visit-note` carries the five sections again, structurally (one
 *   sub-extension each, `valueString`), so they read back exactly as typed.
 *
 * Pure functions only: the chart's store (visit-store.ts) writes and finds these documents, the
 * print helper reads them with `visitNoteOf`. A note that came from elsewhere without the
 * extension is read back from its text headings (any of fr, ar, en).
 */
import type {
  Attachment,
  Device,
  DocumentReference,
  Extension,
  Practitioner,
  PractitionerRole,
  Reference,
} from '@medplum/fhirtypes';
import type { Language } from '../contract/types';
import { visitNoteSections, type VisitNote, type VisitNoteSection } from '../contract/chart-types';

export type { VisitNote, VisitNoteSection } from '../contract/chart-types';
export { visitNoteSections } from '../contract/chart-types';

export const emptyVisitNote = (): VisitNote => ({
  reason: '',
  history: '',
  examination: '',
  assessment: '',
  plan: '',
});

export const PROGRESS_NOTE_LOINC = '11506-3';
export const VISIT_NOTE_EXTENSION = 'urn:tabib:extension:visit-note';
export const VISIT_NOTE_CONTENT_TYPE = 'text/markdown; charset=UTF-8';
const LOINC = 'http://loinc.org';

/** The LOINC section each part of the note corresponds to (as in a C-CDA / IPS progress note). */
export const visitNoteSectionLoinc: Record<VisitNoteSection, { code: string; display: string }> = {
  reason: { code: '29299-5', display: 'Reason for visit Narrative' },
  history: { code: '10164-2', display: 'History of Present illness Narrative' },
  examination: { code: '29545-1', display: 'Physical findings Narrative' },
  assessment: { code: '51848-0', display: 'Evaluation note' },
  plan: { code: '18776-5', display: 'Plan of care note' },
};

/** The headings of the readable text, in the three languages of the interface. */
export const visitNoteHeadings: Record<Language, Record<VisitNoteSection, string>> = {
  fr: {
    reason: 'Motif de consultation',
    history: 'Histoire de la maladie',
    examination: 'Examen clinique',
    assessment: 'Évaluation',
    plan: 'Conduite à tenir',
  },
  ar: {
    reason: 'سبب الزيارة',
    history: 'التاريخ المرضي',
    examination: 'الفحص السريري',
    assessment: 'التقييم',
    plan: 'الخطة العلاجية',
  },
  en: {
    reason: 'Reason for visit',
    history: 'History',
    examination: 'Examination',
    assessment: 'Assessment',
    plan: 'Plan',
  },
};

const documentTitle: Record<Language, string> = {
  fr: 'Note de consultation',
  ar: 'ملاحظة الزيارة',
  en: 'Visit note',
};

/** The note as readable text: each heading as a Markdown level-2 heading, then its section. */
export function visitNoteText(note: VisitNote, language: Language = 'fr'): string {
  const headings = visitNoteHeadings[language];
  return visitNoteSections
    .map((section) => `## ${headings[section]}\n\n${note[section].trim() || '—'}\n`)
    .join('\n');
}

export interface VisitNoteDocumentInput {
  note: VisitNote;
  patientId: string;
  encounterId: string;
  /** The practitioner who wrote it (the actor's reference and display). */
  author: Reference<Practitioner | PractitionerRole | Device>;
  /** When it was (last) written: FHIR instant. */
  date: string;
  /** The visit's period, copied into context.period. */
  period?: { start?: string; end?: string };
  /** preliminary while the visit is open, final when it is finished. */
  final: boolean;
  /** The language of the text's headings. */
  language?: Language;
  /** An existing document to update (its id and anything else it holds are kept). */
  previous?: DocumentReference;
}

function noteExtension(note: VisitNote): Extension {
  return {
    url: VISIT_NOTE_EXTENSION,
    // FHIR R4 forbids empty strings: a section with nothing written is left out.
    extension: visitNoteSections
      .filter((section) => note[section].length > 0)
      .map((section) => ({ url: section, valueString: note[section] })),
  };
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** The DocumentReference that holds a visit's note (new, or `previous` with the note replaced). */
export function visitNoteDocument(input: VisitNoteDocumentInput): DocumentReference {
  const language = input.language ?? 'fr';
  const text = visitNoteText(input.note, language);
  const attachment: Attachment = {
    contentType: VISIT_NOTE_CONTENT_TYPE,
    language,
    data: base64(text),
    size: Buffer.byteLength(text, 'utf8'),
    title: documentTitle[language],
    creation: input.date,
  };
  const previous = input.previous;
  const otherExtensions = (previous?.extension ?? []).filter(
    (extension) => extension.url !== VISIT_NOTE_EXTENSION,
  );
  return {
    ...previous,
    resourceType: 'DocumentReference',
    extension: [...otherExtensions, noteExtension(input.note)],
    status: 'current',
    docStatus: input.final ? 'final' : 'preliminary',
    type: {
      coding: [{ system: LOINC, code: PROGRESS_NOTE_LOINC, display: 'Progress note' }],
      text: documentTitle[language],
    },
    category: [
      {
        coding: [
          {
            system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category',
            code: 'clinical-note',
            display: 'Clinical Note',
          },
        ],
      },
    ],
    subject: { reference: `Patient/${input.patientId}` },
    date: input.date,
    author: [input.author],
    description: documentTitle[language],
    content: [{ attachment }],
    context: {
      ...previous?.context,
      encounter: [{ reference: `Encounter/${input.encounterId}` }],
      ...(input.period ? { period: input.period } : {}),
    },
  };
}

/** Is this document a visit's progress note (LOINC 11506-3)? */
export function isVisitNoteDocument(document: DocumentReference): boolean {
  return (
    document.status !== 'entered-in-error' &&
    (document.type?.coding ?? []).some(
      (coding) => coding.system === LOINC && coding.code === PROGRESS_NOTE_LOINC,
    )
  );
}

/** The Encounter id a note belongs to (context.encounter), or null. */
export function visitNoteEncounterId(document: DocumentReference): string | null {
  for (const encounter of document.context?.encounter ?? []) {
    const match = /^Encounter\/([A-Za-z0-9\-.]{1,64})$/.exec(encounter.reference ?? '');
    if (match) return match[1] as string;
  }
  return null;
}

/** Among documents, the progress note of one visit (the latest written, if several). */
export function findVisitNoteDocument(
  documents: readonly DocumentReference[],
  encounterId: string,
): DocumentReference | null {
  let found: DocumentReference | null = null;
  for (const document of documents) {
    if (!isVisitNoteDocument(document) || visitNoteEncounterId(document) !== encounterId) continue;
    if (!found || (document.date ?? '') > (found.date ?? '')) found = document;
  }
  return found;
}

function attachmentText(attachment: Attachment | undefined): string | null {
  if (!attachment?.data) return null;
  if (attachment.contentType && !/^text\//i.test(attachment.contentType)) return null;
  return Buffer.from(attachment.data, 'base64').toString('utf8');
}

const headingSection = new Map<string, VisitNoteSection>(
  Object.values(visitNoteHeadings).flatMap((headings) =>
    visitNoteSections.map((section) => [headings[section].toLowerCase(), section] as const),
  ),
);

/** Reads the five sections back from the readable text (a note written elsewhere, without the extension). */
export function parseVisitNoteText(text: string): VisitNote | null {
  const note = emptyVisitNote();
  let current: VisitNoteSection | null = null;
  let found = false;
  const lines: Record<VisitNoteSection, string[]> = {
    reason: [],
    history: [],
    examination: [],
    assessment: [],
    plan: [],
  };
  for (const line of text.split(/\r?\n/)) {
    const heading = /^#{1,6}\s+(.+?)\s*:?\s*$/.exec(line);
    const section = heading ? headingSection.get((heading[1] as string).toLowerCase()) : undefined;
    if (section) {
      current = section;
      found = true;
      continue;
    }
    if (current) lines[current].push(line);
  }
  if (!found) return null;
  for (const section of visitNoteSections) {
    const body = lines[section].join('\n').trim();
    note[section] = body === '—' ? '' : body;
  }
  return note;
}

/**
 * The note a document holds: exactly as written when it carries the structured extension, else
 * read from its text's headings; null when the document is no visit note at all.
 */
export function visitNoteOf(document: DocumentReference | null | undefined): VisitNote | null {
  if (!document || document.resourceType !== 'DocumentReference') return null;
  const structured = document.extension?.find((extension) => extension.url === VISIT_NOTE_EXTENSION);
  if (structured) {
    const note = emptyVisitNote();
    for (const part of structured.extension ?? []) {
      if ((visitNoteSections as readonly string[]).includes(part.url) && typeof part.valueString === 'string')
        note[part.url as VisitNoteSection] = part.valueString;
    }
    return note;
  }
  if (!isVisitNoteDocument(document)) return null;
  const text = attachmentText(document.content[0]?.attachment);
  return text === null ? null : parseVisitNoteText(text);
}

/** Is anything written in the note? */
export function isVisitNoteEmpty(note: VisitNote): boolean {
  return visitNoteSections.every((section) => note[section].trim().length === 0);
}
