/**
 * The printouts' HTML, made from a record written through the real services: what each kind
 * prints (and what it must not), the bilingual letterhead, the QR code's record reference, the
 * document's language, and that nothing a record holds can become markup.
 */
import type { Browser } from 'playwright-core';
import fc from 'fast-check';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../main/print/html';
import { buildPrintout } from '../../main/print/print-service';
import { PRINTOUT_CSP, safeFileName } from '../../main/print/printout-document';
import {
  parseRecordReferenceUri,
  qrOptions,
  recordReferenceUri,
  RECORD_REFERENCE_PREFIX,
} from '../../main/print/record-reference';
import type { PrintKind } from '../../main/contract/features/print-contract';
import { launchChromium } from '../support/chromium';
import { CIN, patientResource, printWorkstation, writePrintRecord, type PrintRecord } from './print-fixture';

let browser: Browser;
let workstation: Awaited<ReturnType<typeof printWorkstation>>;
let ids: PrintRecord;

beforeAll(async () => {
  browser = await launchChromium();
  workstation = await printWorkstation();
  ids = writePrintRecord(workstation.record);
}, 120_000);

afterAll(async () => {
  await workstation?.station.close();
  await browser?.close();
});

/**
 * A printout, its markup compared without the layout whitespace between tags (where HTML ignores
 * it), its no-break spaces (Intl puts them between a number and its unit) written as spaces.
 */
const build = async (kind: PrintKind, resourceId: string) => {
  const printout = await buildPrintout(workstation.station.host.services, { kind, resourceId });
  const html = printout.html
    .replace(/>\s+/g, '>')
    .replace(/\s+</g, '<')
    .replace(/[\u00a0\u202f]/g, ' ');
  return { ...printout, html };
};

/** The thrown contract error's code and details. */
async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const { code, details } = error as { code: string; details?: unknown };
    return { code, details };
  }
  throw new Error('expected a refusal');
}

/** The QR code's SVG in a printout. */
function qrSvg(markup: string): string {
  const match = /<div class="qr"[^>]*>\s*(<svg[\s\S]*?<\/svg>)/.exec(markup);
  if (!match) throw new Error('no QR code');
  return match[1] as string;
}

describe('a prescription', () => {
  it('prints every drug signed with it, in the order written, and nothing else', async () => {
    const printout = await build('prescription', ids.prescriptionId);
    const lines = [...printout.html.matchAll(/data-medication-request="([^"]+)"/g)].map((match) => match[1]);
    expect(lines).toEqual([ids.prescriptionId, ids.secondPrescriptionId]);
    for (const text of [
      'Amlodipine 5 mg, comprimé',
      '1 comprimé le matin, par voie orale',
      'Hydrochlorothiazide 12,5 mg, comprimé',
      '1 comprimé le matin au petit déjeuner',
      '30 jours',
      '1 boîte',
      '30 comprimés',
      'Renouvellements : 2',
    ])
      expect(printout.html).toContain(text);
    // The draft beside it (another group) is not on this paper.
    expect(printout.html).not.toContain('Paracétamol');
    // Printed from its other drug, it is the same prescription.
    const again = await build('prescription', ids.secondPrescriptionId);
    expect([...again.html.matchAll(/data-medication-request="([^"]+)"/g)].map((match) => match[1])).toEqual(
      lines,
    );
    expect(printout.fileName).toBe('ordonnance-Mohamed-Amine-Benali-2026-11-22.pdf');
    expect(printout.title).toBe('Ordonnance — Mohamed Amine Benali');
  });

  it('heads the page with the facility in French and Arabic, then the patient, the practitioner, the date', async () => {
    const printout = await build('prescription', ids.prescriptionId);
    const letterhead = /<header class="letterhead">([\s\S]*?)<\/header>/.exec(printout.html)?.[1] ?? '';
    expect(letterhead).toContain('<div class="fr" lang="fr" dir="ltr">');
    expect(letterhead).toContain('<div class="ar" lang="ar" dir="rtl">');
    for (const text of [
      'Royaume du Maroc',
      'المملكة المغربية',
      'Centre de santé urbain Hay Riad (démonstration)',
      'المركز الصحي الحضري حي الرياض (عرض توضيحي)',
    ])
      expect(letterhead).toContain(text);
    for (const text of [
      '<div class="name" lang="fr" dir="ltr">Mohamed Amine Benali</div>',
      '<div class="name" lang="ar" dir="rtl">محمد أمين بنعلي</div>',
      `<dt>CIN</dt><dd dir="auto"><bdi dir="ltr">${CIN}</bdi></dd>`,
      '<dd dir="auto">14 mars 1979</dd>',
      '<dd dir="auto">47 ans</dd>',
      '<dd dir="auto">Masculin</dd>',
      '<div class="name" lang="fr" dir="ltr">Dr Salma Haddad</div>',
      '<div class="name" lang="ar" dir="rtl">د. سلمى حداد</div>',
      'Médecin généraliste',
      'Date : 22 novembre 2026',
      'Signature et cachet',
      'Imprimé le 22 novembre 2026 à 09:30',
    ])
      expect(printout.html).toContain(text);
  });

  it('is self-contained: its fonts embedded, nothing to fetch, no script', async () => {
    const printout = await build('prescription', ids.prescriptionId);
    expect(printout.html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(PRINTOUT_CSP)}"`,
    );
    const faces = [
      ...printout.html.matchAll(
        /@font-face \{[\s\S]*?font-family: '([^']+)';[\s\S]*?font-weight: (\d+);[\s\S]*?src: url\(data:font\/woff2;base64,/g,
      ),
    ];
    expect(faces.map((face) => `${face[1]} ${face[2]}`).sort()).toEqual([
      'Noto Sans 400',
      'Noto Sans 400',
      'Noto Sans 700',
      'Noto Sans 700',
      'Noto Sans Arabic 400',
      'Noto Sans Arabic 700',
    ]);
    expect(printout.html).not.toMatch(/<script|\bsrc=|\bhref=|url\((?!data:)/i);
    expect(printout.html.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
  });

  it('carries the record reference in its QR code: the code the qrcode library makes for it', async () => {
    const printout = await build('prescription', ids.prescriptionId);
    const version = workstation.record.store.readStored('MedicationRequest', ids.prescriptionId)?.version;
    const expected = recordReferenceUri({
      type: 'MedicationRequest',
      id: ids.prescriptionId,
      version: version as number,
      nationalIdentifier: { system: 'urn:tabib:ma:cin', value: CIN },
      group: ids.groupId,
    });
    expect(expected.startsWith(`${RECORD_REFERENCE_PREFIX}MedicationRequest/${ids.prescriptionId}?=`)).toBe(
      true,
    );
    // No decoder is installed: the symbol on the page is compared with the library's own encoding of
    // the expected payload, and the library's model of that symbol holds exactly the payload.
    expect(qrSvg(printout.html)).toBe(
      (await QRCode.toString(expected, { ...qrOptions, type: 'svg' })).trim(),
    );
    const model = QRCode.create(expected, qrOptions);
    const encoded = (model.segments as unknown as { data: Uint8Array | string }[])
      .map((segment) =>
        typeof segment.data === 'string' ? segment.data : Buffer.from(segment.data).toString('utf8'),
      )
      .join('');
    expect(encoded).toBe(expected);
    expect(printout.html).toContain(`<div class="reference">${escapeHtml(expected)}</div>`);
    expect(parseRecordReferenceUri(expected)).toEqual({
      type: 'MedicationRequest',
      id: ids.prescriptionId,
      version,
      nationalIdentifier: { system: 'urn:tabib:ma:cin', value: CIN },
      group: ids.groupId,
    });
    expect(printout.reference).toEqual(parseRecordReferenceUri(expected));
  });

  it('is refused while it is a draft, through the call too', async () => {
    expect(await refusal(build('prescription', ids.draftId))).toEqual({
      code: 'PRINT_NOT_SIGNED',
      details: { status: 'draft' },
    });
    expect(
      await refusal(
        workstation.station.call('print.document', { kind: 'prescription', resourceId: ids.draftId }),
      ),
    ).toMatchObject({ code: 'PRINT_NOT_SIGNED' });
    expect(await refusal(build('prescription', 'no-such-request'))).toMatchObject({
      code: 'RESOURCE_NOT_FOUND',
    });
  });
});

describe('a referral letter', () => {
  it('says to which specialty and facility, how urgent, why, and the clinical context', async () => {
    const printout = await build('referral', ids.referralId);
    for (const text of [
      'Lettre d’orientation',
      '<dt>Spécialité</dt><dd dir="auto">Cardiologie</dd>',
      '<dt>Adressé à</dt><dd dir="auto">CHU Ibn Sina, Rabat</dd>',
      '<dt>Priorité</dt><dd dir="auto">Urgente</dd>',
      '<li dir="auto">HTA résistante, bilan du retentissement cardiaque</li>',
      'Cher confrère,\nje vous adresse ce patient pour avis et échographie cardiaque.',
      '<li dir="auto">Hypertension essentielle (primitive) (I10)</li>',
      '<li dir="auto">Amoxicilline</li>',
      '<li dir="auto">Amlodipine 5 mg, comprimé — 1 comprimé le matin, par voie orale</li>',
      '<li dir="auto">Hydrochlorothiazide 12,5 mg, comprimé — 1 comprimé le matin au petit déjeuner</li>',
      'Royaume du Maroc',
      'المملكة المغربية',
    ])
      expect(printout.html).toContain(text);
    // A medication not signed is not one the patient takes.
    expect(printout.html).not.toContain('Paracétamol');
    expect(printout.reference).toMatchObject({ type: 'ServiceRequest', id: ids.referralId });
  });

  it('is refused while a draft, and for what is not a referral', async () => {
    expect(await refusal(build('referral', ids.draftReferralId))).toEqual({
      code: 'PRINT_NOT_SIGNED',
      details: { status: 'draft' },
    });
    expect(await refusal(build('referral', ids.prescriptionId))).toMatchObject({
      code: 'RESOURCE_NOT_FOUND',
    });
  });
});

describe('a visit summary', () => {
  it('holds the note, the vital signs, the diagnoses and the prescriptions of the visit', async () => {
    const printout = await build('visitSummary', ids.encounterId);
    for (const text of [
      'Compte rendu de consultation',
      '<h3>Motif de consultation</h3><p class="text" dir="auto">Céphalées depuis une semaine</p>',
      '<h3>Examen clinique</h3><p class="text" dir="auto">TA 160/95 mmHg aux deux bras. Auscultation cardiaque normale.</p>',
      '<h3>Conduite à tenir</h3><p class="text" dir="auto">Reprise du traitement, contrôle dans 15 jours, avis cardiologique.</p>',
      '<th scope="row">Tension artérielle</th><td>160/95 mmHg</td>',
      '<th scope="row">Fréquence cardiaque</th><td>82 /min</td>',
      '<th scope="row">Température</th><td>36,9 °C</td>',
      '<th scope="row">Poids</th><td>84,5 kg</td>',
      'Hypertension essentielle (primitive) (I10)<span class="muted">(principal)</span>',
      'Amlodipine 5 mg, comprimé',
      'Hydrochlorothiazide 12,5 mg, comprimé',
    ])
      expect(printout.html).toContain(text);
    expect(printout.html).not.toContain('Paracétamol');
    expect(printout.fileName).toBe('compte-rendu-Mohamed-Amine-Benali-2026-11-22.pdf');
  });
});

describe('the language of a printout', () => {
  it('is the interface’s: Arabic right to left with Latin digits, English; the letterhead stays French and Arabic', async () => {
    const { station } = workstation;
    try {
      await station.call('settings.setLanguage', { language: 'ar' });
      const arabic = await build('visitSummary', ids.encounterId);
      expect(arabic.html).toContain('<html lang="ar" dir="rtl">');
      for (const text of [
        'تقرير الاستشارة الطبية',
        'ارتفاع ضغط الدم الأساسي (الأولي) (I10)',
        '<th scope="row">ضغط الدم</th><td>160/95 mmHg</td>',
        'التاريخ: 22 نونبر 2026',
        '47 سنة',
        'Royaume du Maroc',
        'المملكة المغربية',
      ])
        expect(arabic.html).toContain(text);
      expect(arabic.html).not.toMatch(/[\u0660-\u0669\u06F0-\u06F9]/);
      expect(arabic.title).toBe('تقرير الاستشارة الطبية — Mohamed Amine Benali');

      await station.call('settings.setLanguage', { language: 'en' });
      const english = await build('prescription', ids.prescriptionId);
      expect(english.html).toContain('<html lang="en" dir="ltr">');
      for (const text of [
        'Prescription',
        '30 days',
        'Repeats: 2',
        'Date of birth',
        'Royaume du Maroc',
        'المملكة المغربية',
      ])
        expect(english.html).toContain(text);
      expect(english.fileName).toBe('prescription-Mohamed-Amine-Benali-2026-11-22.pdf');
    } finally {
      await station.call('settings.setLanguage', { language: 'fr' });
    }
  });
});

describe('what the record holds never becomes markup', () => {
  it('escapes every character that could open markup, and reads back unchanged (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(escaped.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
        const back = escaped
          .replaceAll('&lt;', '<')
          .replaceAll('&gt;', '>')
          .replaceAll('&quot;', '"')
          .replaceAll('&#39;', "'")
          .replaceAll('&amp;', '&');
        expect(back).toBe(text);
        expect(html`<p title="${text}">${text}</p>`.markup).toBe(`<p title="${escaped}">${escaped}</p>`);
      }),
    );
  });

  it('prints hostile names, drugs and letters as text: Chromium finds no element they tried to make', async () => {
    const { record } = workstation;
    const hostile = {
      latin: { given: '<script>alert("given")</script>', family: '<img src=x onerror=alert(1)>' },
      arabic: { given: 'سارة</div><h1 class="injected">', family: 'العلوي &amp; "إخوانه"' },
    };
    const patient = writePrintRecord(record, patientResource(hostile, 'AB123456'));
    const request = record.store.readStored('MedicationRequest', patient.prescriptionId);
    record.store.update(
      {
        ...(request?.resource as object),
        resourceType: 'MedicationRequest',
        medicationCodeableConcept: { text: '"><svg onload=alert(2)><b>Amlodipine</b>' },
      } as never,
      { reference: 'Practitioner/de300000-0d00-8000-8000-000000000001', display: 'Dr Salma Haddad' },
      request?.version,
    );
    const referral = record.store.readStored('ServiceRequest', patient.referralId);
    record.store.update(
      {
        ...(referral?.resource as object),
        resourceType: 'ServiceRequest',
        note: [{ text: '</p><h1 class="injected">Cher</h1><iframe src="https://evil.example/">' }],
      } as never,
      { reference: 'Practitioner/de300000-0d00-8000-8000-000000000001', display: 'Dr Salma Haddad' },
      referral?.version,
    );

    for (const [kind, id] of [
      ['prescription', patient.prescriptionId],
      ['referral', patient.referralId],
      ['visitSummary', patient.encounterId],
    ] as const) {
      const printout = await build(kind, id);
      const page = await browser.newPage();
      try {
        await page.setContent(printout.html);
        const found = {
          scripts: await page.locator('script').count(),
          images: await page.locator('img, iframe, b, h1.injected').count(),
          svgs: await page.locator('svg').count(),
          // Any attribute named on… (an event handler), on any element.
          handlers: await page.evaluate(
            '[...document.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length',
          ),
          text: await page.locator('body').innerText(),
          title: await page.title(),
        };
        expect(found, kind).toMatchObject({ scripts: 0, images: 0, svgs: 1, handlers: 0 });
        expect(found.text).toContain(hostile.latin.given);
        expect(found.title).toContain(hostile.latin.given);
        if (kind !== 'prescription') continue;
        expect(found.text).toContain('"><svg onload=alert(2)><b>Amlodipine</b>');
      } finally {
        await page.close();
      }
    }
    const referralPage = await build('referral', patient.referralId);
    expect(referralPage.html).toContain('&lt;/p&gt;&lt;h1 class=&quot;injected&quot;&gt;Cher&lt;/h1&gt;');
  });

  it('names its file without folders, reserved or control characters', () => {
    expect(safeFileName(['ordonnance', '../../etc/<pass>wd:*?|"\u0000', '2026-11-22'])).toBe(
      'ordonnance-.etcpasswd-2026-11-22.pdf',
    );
    expect(safeFileName(['وصفة', 'محمد بنعلي', null])).toBe('وصفة-محمد-بنعلي.pdf');
    expect(safeFileName([null, '///'])).toBe('document.pdf');
  });
});
