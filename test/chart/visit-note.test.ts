/**
 * The visit note as the record holds it (main/chart/visit-note.ts): a progress-note
 * DocumentReference whose text a person reads and whose sections read back exactly.
 */
import type { DocumentReference } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  emptyVisitNote,
  findVisitNoteDocument,
  parseVisitNoteText,
  PROGRESS_NOTE_LOINC,
  visitNoteDocument,
  visitNoteEncounterId,
  visitNoteOf,
  visitNoteSections,
  visitNoteText,
  type VisitNote,
} from '../../main/chart/visit-note';

const note: VisitNote = {
  reason: 'Toux fébrile depuis 3 jours',
  history: 'Pas d’antécédent notable.\nTabac : 10 PA.',
  examination: 'T° 38,6 °C. Râles crépitants base droite.',
  assessment: 'Pneumopathie communautaire probable',
  plan: 'Amoxicilline 1 g × 3/j pendant 7 jours.\nContrôle à 48 h.',
};

const base = {
  patientId: 'p-1',
  encounterId: 'e-1',
  author: { reference: 'Practitioner/dr-1', display: 'Dr Alaoui' },
  date: '2026-11-22T08:30:00.000Z',
  final: false,
};

function decoded(document: DocumentReference): string {
  return Buffer.from(document.content[0]!.attachment.data!, 'base64').toString('utf8');
}

describe('the visit note as a FHIR DocumentReference', () => {
  it('is a LOINC 11506-3 progress note about the Encounter, preliminary until the visit is finished', () => {
    const document = visitNoteDocument({ ...base, note });
    expect(document.resourceType).toBe('DocumentReference');
    expect(document.status).toBe('current');
    expect(document.docStatus).toBe('preliminary');
    expect(document.type?.coding?.[0]).toMatchObject({
      system: 'http://loinc.org',
      code: PROGRESS_NOTE_LOINC,
    });
    expect(document.context?.encounter).toEqual([{ reference: 'Encounter/e-1' }]);
    expect(document.subject).toEqual({ reference: 'Patient/p-1' });
    expect(document.author).toEqual([base.author]);
    expect(visitNoteEncounterId(document)).toBe('e-1');
    expect(visitNoteDocument({ ...base, note, final: true }).docStatus).toBe('final');
  });

  it('holds readable text with the five headings in the note’s language', () => {
    const french = decoded(visitNoteDocument({ ...base, note }));
    for (const heading of [
      'Motif de consultation',
      'Histoire de la maladie',
      'Examen clinique',
      'Évaluation',
      'Conduite à tenir',
    ])
      expect(french).toContain(`## ${heading}`);
    expect(french).toContain('Râles crépitants base droite.');
    const document = visitNoteDocument({ ...base, note, language: 'ar' });
    expect(document.content[0]!.attachment.language).toBe('ar');
    expect(decoded(document)).toContain('## الفحص السريري');
    expect(document.content[0]!.attachment.size).toBe(Buffer.byteLength(decoded(document)));
  });

  it('reads back exactly what was written, sections empty or not', () => {
    expect(visitNoteOf(visitNoteDocument({ ...base, note }))).toEqual(note);
    const partial = { ...emptyVisitNote(), assessment: '  spaces kept  ' };
    expect(visitNoteOf(visitNoteDocument({ ...base, note: partial }))).toEqual(partial);
    const sectionText = fc.string({ unit: 'grapheme', maxLength: 200 });
    fc.assert(
      fc.property(
        fc.record({
          reason: sectionText,
          history: sectionText,
          examination: sectionText,
          assessment: sectionText,
          plan: sectionText,
        }),
        fc.constantFrom('fr' as const, 'ar' as const, 'en' as const),
        (written, language) => {
          const document = JSON.parse(
            JSON.stringify(visitNoteDocument({ ...base, note: written, language })),
          );
          expect(visitNoteOf(document as DocumentReference)).toEqual(written);
        },
      ),
    );
  });

  it('keeps what else an updated document holds, and replaces only the note', () => {
    const first = { ...visitNoteDocument({ ...base, note }), id: 'doc-1' };
    first.extension = [...(first.extension ?? []), { url: 'urn:other', valueString: 'kept' }];
    const changed = { ...note, plan: 'Hospitalisation' };
    const second = visitNoteDocument({ ...base, note: changed, previous: first, final: true });
    expect(second.id).toBe('doc-1');
    expect(second.extension?.filter((extension) => extension.url === 'urn:other')).toHaveLength(1);
    expect(visitNoteOf(second)).toEqual(changed);
  });

  it('reads a note written elsewhere, without the extension, from its headings in fr, ar or en', () => {
    for (const language of ['fr', 'ar', 'en'] as const) {
      const document = visitNoteDocument({ ...base, note, language });
      delete document.extension;
      const trimmed = Object.fromEntries(visitNoteSections.map((section) => [section, note[section].trim()]));
      expect(visitNoteOf(document)).toEqual(trimmed);
    }
    expect(parseVisitNoteText('no headings here')).toBeNull();
    expect(parseVisitNoteText('## Plan\n\n—\n')).toEqual(emptyVisitNote());
  });

  it('is not mistaken for another document, and the latest note of a visit is found', () => {
    const other: DocumentReference = {
      resourceType: 'DocumentReference',
      status: 'current',
      content: [{ attachment: { contentType: 'application/pdf', data: 'JVBERi0=' } }],
      context: { encounter: [{ reference: 'Encounter/e-1' }] },
    };
    expect(visitNoteOf(other)).toBeNull();
    expect(visitNoteOf(null)).toBeNull();
    const older = { ...visitNoteDocument({ ...base, note }), id: 'a', date: '2026-11-22T08:00:00Z' };
    const newer = { ...visitNoteDocument({ ...base, note }), id: 'b', date: '2026-11-22T09:00:00Z' };
    const elsewhere = { ...visitNoteDocument({ ...base, note, encounterId: 'e-2' }), id: 'c' };
    expect(findVisitNoteDocument([other, older, newer, elsewhere], 'e-1')?.id).toBe('b');
    expect(findVisitNoteDocument([other], 'e-1')).toBeNull();
    expect(visitNoteText(emptyVisitNote(), 'en')).toContain('## Plan\n\n—');
  });
});
