/**
 * Documents attached to a patient's record: a real PDF and PNG go in (their type told from their
 * bytes), come back byte for byte, sit encrypted inside the record (neither their text nor their
 * base64 appears in the database file or its WAL), and every attach and every reading leaves its
 * trail. A renamed file, an empty one and one over 10 MiB are refused with nothing written.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DocumentReference, Encounter } from '@medplum/fhirtypes';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DOCUMENT_MAX_BYTES,
  type DocumentContent,
  type DocumentView,
  type PatientDocuments,
} from '../../main/contract/care-types';
import { sniffContent } from '../../main/care/document-content';
import { emptyVisitNote, visitNoteDocument } from '../../main/chart/visit-note';
import { DEMO_ACTOR_ID } from '../../main/record/demo/practitioners';
import { careWorkstation, refusal, tableCounts, trailOf, type CareWorkstation } from './care-workstation';
import { contains, onePagePdf, smallPng } from './document-files';

let station: CareWorkstation;
const doctor = `Practitioner/${DEMO_ACTOR_ID}`;
const MARKER = 'TABIB-CARE-MARKER-5c41e9d2 Echocardiographie FEVG 35 pourcent';

beforeAll(async () => {
  station = await careWorkstation({ country: 'DZ', now: '2026-11-22T09:30:00+01:00' });
});
afterAll(async () => {
  await station.close();
});

/** Every file of the record's folder (database, WAL, shared memory), as bytes. */
function recordFiles(): { path: string; bytes: Buffer }[] {
  const folder = dirname(station.host.services.layout.recordDatabase);
  return readdirSync(folder)
    .filter((name) => name.startsWith('tabib') && !name.includes('.key'))
    .map((name) => ({ path: join(folder, name), bytes: readFileSync(join(folder, name)) }));
}

describe('attaching and reading a document', () => {
  const pdf = onePagePdf(MARKER);
  let attached: DocumentView;

  it('attaches a PDF as a DocumentReference with the file inside, and its outbox and audit entries', async () => {
    const patientId = station.patientIds[0] as string;
    attached = await station.call<DocumentView>('documents.attach', {
      patientId,
      title: 'Échocardiographie du 12 novembre',
      category: 'consult-note',
      date: '2026-11-12',
      data: pdf.toString('base64'),
    });
    expect(attached).toMatchObject({
      patientId,
      title: 'Échocardiographie du 12 novembre',
      category: 'consult-note',
      contentType: 'application/pdf',
      size: pdf.length,
      date: '2026-11-12',
      attached: new Date('2026-11-22T09:30:00+01:00').toISOString(),
      hasContent: true,
      version: 1,
    });
    const stored = station.record.store.read<DocumentReference>('DocumentReference', attached.id);
    expect(stored).toMatchObject({
      status: 'current',
      docStatus: 'final',
      subject: { reference: `Patient/${patientId}` },
      author: [{ reference: doctor }],
      type: { coding: [{ system: 'http://loinc.org', code: '11488-4' }] },
      content: [
        {
          attachment: {
            contentType: 'application/pdf',
            size: pdf.length,
            creation: '2026-11-12',
            title: 'Échocardiographie du 12 novembre',
          },
        },
      ],
    });
    expect(stored?.content[0]?.attachment.hash).toBe(
      (await import('node:crypto')).createHash('sha1').update(pdf).digest('base64'),
    );
    expect(trailOf(station.record, 'DocumentReference', attached.id)).toEqual({
      outbox: [{ operation: 'create', version: 1, practitioner: doctor }],
      audit: [{ action: 'C', practitioner: doctor, patient_id: patientId }],
    });
  });

  it('gives the same bytes back, and audits the reading', async () => {
    const content = await station.call<DocumentContent>('documents.read', { id: attached.id });
    expect(content.contentType).toBe('application/pdf');
    expect(Buffer.from(content.data, 'base64').equals(pdf)).toBe(true);
    expect(content.document).toEqual(attached);
    const audit = trailOf(station.record, 'DocumentReference', attached.id).audit;
    expect(audit.at(-1)).toEqual({ action: 'R', practitioner: doctor, patient_id: attached.patientId });
    // A reading writes no change to sync, only the audit entry (itself queued as an AuditEvent).
    expect(trailOf(station.record, 'DocumentReference', attached.id).outbox).toHaveLength(1);
  });

  it('keeps the file encrypted: neither its text nor its base64 is in the database or its WAL', () => {
    const files = recordFiles();
    expect(files.some((file) => file.path.endsWith('-wal'))).toBe(true);
    // The document is in there: the files together are larger than it.
    expect(files.reduce((total, file) => total + file.bytes.length, 0)).toBeGreaterThan(pdf.length);
    const base64 = pdf.toString('base64');
    for (const file of files) {
      expect(contains(file.bytes, 'TABIB-CARE-MARKER-5c41e9d2'), file.path).toBe(false);
      expect(contains(file.bytes, 'Echocardiographie FEVG'), file.path).toBe(false);
      // Any 32 characters of the stored base64 text.
      for (let offset = 0; offset + 32 <= base64.length; offset += 97)
        expect(contains(file.bytes, base64.slice(offset, offset + 32)), file.path).toBe(false);
      expect(contains(file.bytes, 'Échocardiographie du 12 novembre'), file.path).toBe(false);
    }
  });

  it('attaches a PNG image and gives its pixels back', async () => {
    const png = smallPng();
    const view = await station.call<DocumentView>('documents.attach', {
      patientId: station.patientIds[0],
      title: 'Photographie de la lésion',
      category: 'photo',
      data: png.toString('base64'),
    });
    // Without a date, the document is dated today in the clinic (Algiers).
    expect(view).toMatchObject({ contentType: 'image/png', category: 'photo', date: '2026-11-22' });
    const content = await station.call<DocumentContent>('documents.read', { id: view.id });
    const back = Buffer.from(content.data, 'base64');
    expect(back.equals(png)).toBe(true);
    const decoded = PNG.sync.read(back);
    expect([decoded.width, decoded.height]).toEqual([24, 16]);
  });

  it('lists the patient’s documents, newest first, without their bytes and without visit notes', async () => {
    const patientId = station.patientIds[0] as string;
    const encounter = station.record.store.listByPatient(patientId, { types: ['Encounter'], limit: 1 })
      .resources[0] as Encounter;
    station.record.store.create(
      visitNoteDocument({
        note: { ...emptyVisitNote(), reason: 'Toux' },
        patientId,
        encounterId: encounter.id as string,
        author: { reference: doctor },
        date: '2026-11-20T10:00:00.000Z',
        final: true,
      }),
      station.host.services.record.actor(),
    );
    const { today, documents: list } = await station.call<PatientDocuments>('documents.list', { patientId });
    expect(today).toBe('2026-11-22');
    expect(list.map((document) => [document.contentType, document.date])).toEqual([
      ['image/png', '2026-11-22'],
      ['application/pdf', '2026-11-12'],
    ]);
    expect(JSON.stringify(list)).not.toContain(pdf.toString('base64').slice(0, 40));
    expect(await station.call('documents.list', { patientId: station.patientIds[1] })).toEqual({
      today: '2026-11-22',
      documents: [],
    });
  });
});

describe('refusals, with nothing written', () => {
  const attach = (data: Buffer | string, overrides: Record<string, unknown> = {}) =>
    station.call('documents.attach', {
      patientId: station.patientIds[1],
      title: 'Compte rendu',
      category: 'lab-report',
      data: typeof data === 'string' ? data : data.toString('base64'),
      ...overrides,
    });

  async function refused(data: Buffer | string, overrides: Record<string, unknown> = {}) {
    const before = tableCounts(station.record);
    const error = await refusal(attach(data, overrides));
    expect(tableCounts(station.record)).toEqual(before);
    return error;
  }

  it('refuses a file whose name says PDF but whose bytes do not', async () => {
    // A Word document (a ZIP container) and a text file, as if renamed "bilan.pdf".
    const docx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), Buffer.alloc(200, 7)]);
    expect(await refused(docx)).toMatchObject({
      code: 'DOCUMENT_TYPE_UNSUPPORTED',
      details: { detected: 'zip' },
    });
    const text = Buffer.from('Glycémie à jeun : 1,32 g/L\nHbA1c : 7,4 %\n', 'utf8');
    expect(await refused(text)).toMatchObject({
      code: 'DOCUMENT_TYPE_UNSUPPORTED',
      details: { detected: 'text' },
    });
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
    expect(await refused(gif)).toMatchObject({
      code: 'DOCUMENT_TYPE_UNSUPPORTED',
      details: { detected: 'gif' },
    });
  });

  it('refuses an empty file and one that is not base64', async () => {
    expect((await refused(Buffer.alloc(0))).code).toBe('DOCUMENT_EMPTY');
    expect((await refused('JVBER i0xLjQK')).code).toBe('INVALID_ARGUMENT');
  });

  it('takes a file of exactly 10 MiB and refuses one byte more, saying the limit', async () => {
    const pdf = onePagePdf('Grand document');
    const padded = (size: number) => Buffer.concat([pdf, Buffer.alloc(size - pdf.length, 0x20)]);
    const error = await refused(padded(DOCUMENT_MAX_BYTES + 1));
    expect(error).toMatchObject({
      code: 'DOCUMENT_TOO_LARGE',
      details: { size: DOCUMENT_MAX_BYTES + 1, limit: DOCUMENT_MAX_BYTES },
    });
    const exactly = await station.call<DocumentView>('documents.attach', {
      patientId: station.patientIds[2],
      title: 'Dossier scanné',
      category: 'other',
      data: padded(DOCUMENT_MAX_BYTES).toString('base64'),
    });
    expect(exactly).toMatchObject({
      size: DOCUMENT_MAX_BYTES,
      contentType: 'application/pdf',
      category: 'other',
    });
  });

  it('refuses a document dated in the future, naming the field', async () => {
    const error = await refused(onePagePdf('Futur'), { date: '2026-11-23' });
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { issues: [{ path: ['date'] }] } });
  });

  it('refuses to show what is not an attached file', async () => {
    const note = station.record.store
      .listByPatient(station.patientIds[0] as string, {
        types: ['DocumentReference'],
      })
      .resources.find((document) =>
        (document as DocumentReference).content[0]?.attachment.contentType?.startsWith('text/'),
      );
    expect((await refusal(station.call('documents.read', { id: note?.id }))).code).toBe(
      'DOCUMENT_TYPE_UNSUPPORTED',
    );
    expect((await refusal(station.call('documents.read', { id: 'no-such-document' }))).code).toBe(
      'RESOURCE_NOT_FOUND',
    );
  });
});

describe('what a file is, from its first bytes', () => {
  it.each([
    ['a PDF', onePagePdf('x'), 'application/pdf'],
    ['a PNG', smallPng(2, 2), 'image/png'],
    [
      'a JPEG (JFIF)',
      Buffer.from('/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8U', 'base64'),
      'image/jpeg',
    ],
    [
      'a PNG signature without its header chunk',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
      'unknown',
    ],
    ['a DICOM file', Buffer.concat([Buffer.alloc(128), Buffer.from('DICM')]), 'dicom'],
    ['a TIFF scan', Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]), 'tiff'],
    ['"%PDF" too short to be one', Buffer.from('%PDF'), 'text'],
  ])('%s', (_what, bytes, kind) => {
    expect(sniffContent(bytes)).toBe(kind);
  });
});
