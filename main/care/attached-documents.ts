/**
 * Documents attached to a patient's record (a specialist's letter, a scanned lab report, an ECG, a
 * photograph): a FHIR R4 DocumentReference with the file inline (`content[0].attachment.data`,
 * base64), so it lives inside the record's encrypted database and travels with the record to the
 * national service like any resource. The attachment says what the file is (`contentType`, sniffed
 * from its bytes), its `size`, its SHA-1 `hash` (FHIR R4 datatypes.html#Attachment), `title` and
 * `creation` (the document's own date); `category` is Tabib's kind of document, `type` its LOINC
 * document type where one fits; `date` is when it was attached, `author` who attached it.
 *
 * Reading a document's bytes is audited as a read of that document. Visit notes (the chart's
 * DocumentReferences, main/chart/visit-note.ts) are not attached documents and are left out.
 */
import { createHash } from 'node:crypto';
import type { CodeableConcept, DocumentReference } from '@medplum/fhirtypes';
import {
  DOCUMENT_MAX_BYTES,
  documentCategories,
  type DocumentCategory,
  type DocumentContent,
  type DocumentView,
  type PatientDocuments,
} from '../contract/care-types';
import { isVisitNoteDocument } from '../chart/visit-note';
import { TabibError } from '../errors';
import type { LocalRecord } from '../record/local-record';
import type { StoredResource } from '../record/resource-store';
import type { CareContext } from './care-context';
import { clinicTimeZone } from './care-context';
import { clinicDate } from './clinic-time';
import { isDocumentContentType, sniffContent } from './document-content';
import { actorReference, referenceId, requirePatient, requireStored } from './stored-resources';

export const DOCUMENT_CATEGORY_SYSTEM = 'urn:tabib:document-category';
const LOINC = 'http://loinc.org';

/** LOINC document types (Document Ontology) for the categories that have one. */
const loincType: Partial<Record<DocumentCategory, { code: string; display: string }>> = {
  'lab-report': { code: '11502-2', display: 'Laboratory report' },
  'imaging-report': { code: '18748-4', display: 'Diagnostic imaging study' },
  'consult-note': { code: '11488-4', display: 'Consult note' },
  'discharge-summary': { code: '18842-5', display: 'Discharge summary' },
  prescription: { code: '57833-6', display: 'Prescription for medication' },
  ecg: { code: '11524-6', display: 'EKG study' },
  photo: { code: '72170-4', display: 'Photographic image' },
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface AttachInput {
  patientId: string;
  title: string;
  category: DocumentCategory;
  /** The document's own date (`YYYY-MM-DD`), today by default. */
  date?: string | undefined;
  /** The file, base64. */
  data: string;
  encounterId?: string | undefined;
}

function decode(data: string): Buffer {
  if (data.length % 4 !== 0 || !BASE64.test(data))
    throw new TabibError('INVALID_ARGUMENT', 'The file is not valid base64', {
      issues: [{ path: ['data'], message: 'must be base64' }],
    });
  return Buffer.from(data, 'base64');
}

function categoryOf(document: DocumentReference): { category: DocumentCategory | null; text: string | null } {
  for (const concept of document.category ?? []) {
    const code = concept.coding?.find((coding) => coding.system === DOCUMENT_CATEGORY_SYSTEM)?.code;
    if (code && (documentCategories as readonly string[]).includes(code))
      return { category: code as DocumentCategory, text: null };
  }
  const loinc = document.type?.coding?.find((coding) => coding.system === LOINC)?.code;
  const known = Object.entries(loincType).find(([, type]) => type.code === loinc)?.[0];
  if (known) return { category: known as DocumentCategory, text: null };
  const concept = document.type ?? document.category?.[0];
  return {
    category: null,
    text: concept?.text ?? concept?.coding?.find((coding) => coding.display)?.display ?? null,
  };
}

export function documentViewOf(stored: StoredResource<DocumentReference>, hasContent: boolean): DocumentView {
  const document = stored.resource;
  const attachment = document.content?.[0]?.attachment;
  const { category, text } = categoryOf(document);
  return {
    id: document.id as string,
    version: stored.version,
    patientId: referenceId(document.subject, 'Patient') ?? '',
    title: attachment?.title ?? document.description ?? text ?? '',
    category,
    categoryText: text,
    contentType: attachment?.contentType ?? null,
    size: attachment?.size ?? null,
    date: attachment?.creation ?? document.context?.period?.start ?? document.date ?? null,
    attached: document.date ?? null,
    author: document.author?.[0]?.display ?? null,
    encounterId: referenceId(document.context?.encounter?.[0], 'Encounter'),
    hasContent,
  };
}

export class AttachedDocuments {
  constructor(private readonly context: CareContext) {}

  async attach(input: AttachInput): Promise<DocumentView> {
    const record = await this.context.openRecord();
    requirePatient(record, input.patientId);
    if (input.encounterId) requireStored(record, 'Encounter', input.encounterId);
    // The size first, from the text's length, before decoding ten megabytes for nothing.
    const approximate = Math.floor((input.data.length * 3) / 4);
    if (approximate - 2 > DOCUMENT_MAX_BYTES)
      throw new TabibError('DOCUMENT_TOO_LARGE', `The file weighs ${approximate} bytes`, {
        size: approximate,
        limit: DOCUMENT_MAX_BYTES,
      });
    const bytes = decode(input.data);
    if (bytes.length === 0) throw new TabibError('DOCUMENT_EMPTY', 'The file is empty');
    if (bytes.length > DOCUMENT_MAX_BYTES)
      throw new TabibError('DOCUMENT_TOO_LARGE', `The file weighs ${bytes.length} bytes`, {
        size: bytes.length,
        limit: DOCUMENT_MAX_BYTES,
      });
    const kind = sniffContent(bytes);
    if (!isDocumentContentType(kind))
      throw new TabibError('DOCUMENT_TYPE_UNSUPPORTED', `The file is ${kind}, not PDF, JPEG or PNG`, {
        detected: kind,
      });
    const now = this.context.now();
    const today = clinicDate(now, clinicTimeZone(this.context));
    const date = input.date ?? today;
    if (date > today)
      throw new TabibError('INVALID_ARGUMENT', `The document's date ${date} is in the future`, {
        issues: [{ path: ['date'], message: 'must not be in the future' }],
      });
    const type = loincType[input.category];
    const category: CodeableConcept = {
      coding: [{ system: DOCUMENT_CATEGORY_SYSTEM, code: input.category }],
    };
    const actor = this.context.actor();
    const document: DocumentReference = {
      resourceType: 'DocumentReference',
      status: 'current',
      docStatus: 'final',
      ...(type ? { type: { coding: [{ system: LOINC, code: type.code, display: type.display }] } } : {}),
      category: [category],
      subject: { reference: `Patient/${input.patientId}` },
      date: now.toISOString(),
      author: [actorReference(record, actor)],
      description: input.title,
      content: [
        {
          attachment: {
            contentType: kind,
            data: input.data,
            size: bytes.length,
            hash: createHash('sha1').update(bytes).digest('base64'),
            title: input.title,
            creation: date,
          },
        },
      ],
      ...(input.encounterId
        ? { context: { encounter: [{ reference: `Encounter/${input.encounterId}` }] } }
        : {}),
    };
    return documentViewOf(record.store.create(document, actor), true);
  }

  /**
   * The patient's attached documents, newest first, without their bytes: SQLite drops the inline
   * data before the JSON reaches JavaScript, so a list of ten scans does not parse 100 MB.
   */
  async list(patientId: string): Promise<PatientDocuments> {
    const record = await this.context.openRecord();
    requirePatient(record, patientId);
    const rows = record.queries
      .statement(
        `select version,
                json_remove(json, '$.content[0].attachment.data', '$.content[1].attachment.data',
                            '$.content[2].attachment.data') as json,
                json_type(json, '$.content[0].attachment.data') = 'text' as has_content
           from resource where patient_id = ? and type = 'DocumentReference' and deleted = 0
          order by date desc, rowid desc`,
      )
      .all(patientId) as { version: number; json: string; has_content: number }[];
    const documents = rows
      .map((row) => ({
        stored: { resource: JSON.parse(row.json) as DocumentReference, version: row.version },
        hasContent: row.has_content === 1,
      }))
      .filter(
        ({ stored }) =>
          stored.resource.status !== 'entered-in-error' && !isVisitNoteDocument(stored.resource),
      )
      .map(({ stored, hasContent }) => documentViewOf(stored, hasContent))
      .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
    return { today: clinicDate(this.context.now(), clinicTimeZone(this.context)), documents };
  }

  /** The file, for viewing; its reading is audited (who read which document of which patient). */
  async read(id: string): Promise<DocumentContent> {
    const record: LocalRecord = await this.context.openRecord();
    const stored = requireStored<DocumentReference>(record, 'DocumentReference', id);
    const attachment = stored.resource.content?.[0]?.attachment;
    if (!attachment?.data)
      throw new TabibError('DOCUMENT_CONTENT_MISSING', `DocumentReference/${id} holds no file`);
    const bytes = Buffer.from(attachment.data, 'base64');
    const kind = sniffContent(bytes);
    if (!isDocumentContentType(kind))
      throw new TabibError('DOCUMENT_TYPE_UNSUPPORTED', `DocumentReference/${id} is ${kind}`, {
        detected: kind,
      });
    if (attachment.hash && createHash('sha1').update(bytes).digest('base64') !== attachment.hash)
      throw new TabibError('RESOURCE_INVALID', `DocumentReference/${id}: the file does not match its hash`);
    const patientId = referenceId(stored.resource.subject, 'Patient');
    record.queries.transaction(() =>
      record.audit.append(
        this.context.actor(),
        { action: 'R', patientId, entity: { type: 'DocumentReference', id } },
        this.context.now().toISOString(),
      ),
    );
    return { document: documentViewOf(stored, true), contentType: kind, data: attachment.data };
  }
}
