/**
 * The page every printout shares: an A4 HTML document, complete and self-contained (its fonts
 * embedded, no script, no external resource, a CSP that allows nothing else), laid out as
 * - the facility's letterhead, French on the left and Arabic (right to left) on the right, always;
 * - the document's title and date, then the patient and the practitioner;
 * - the document's own content;
 * - the signature area and the QR code of the record reference, kept together at the end.
 * Chromium renders it to PDF (Electron's printToPDF, or page.pdf in the harness): its text
 * shaping (HarfBuzz) joins the Arabic letters and orders mixed-direction text (UAX #9).
 */
import type { Reference } from '@medplum/fhirtypes';
import type { PrintKind } from '../contract/features/print-contract';
import { html, trustedMarkup, type Html } from './html';
import { PRINT_FONT_STACK, printFontFaces } from './printout-fonts';
import type { BilingualName, PatientParty, PractitionerParty, PrintoutContext } from './printout-context';
import { facilityHeader, identifierToken, printoutTools } from './printout-context';
import { fillLabel } from './printout-labels';
import { recordReferenceQrSvg, recordReferenceUri, type RecordReference } from './record-reference';

export interface PrintoutPage {
  kind: PrintKind;
  /** The facility the document's visit took place at (Encounter.serviceProvider), if known. */
  serviceProvider: Reference | undefined;
  patient: PatientParty;
  practitioner: PractitionerParty | null;
  /** The document's clinical date (FHIR dateTime): when it was prescribed, referred, seen. */
  date: string | null;
  body: Html;
  /** The resource printed, at the version read; a prescription's group. */
  printed: Omit<RecordReference, 'nationalIdentifier'>;
}

/** A printout ready to render: the HTML and how the PDF is named. */
export interface Printout {
  kind: PrintKind;
  html: string;
  title: string;
  fileName: string;
  patientId: string;
  reference: RecordReference;
}

/** Nothing may load or run: fonts are data: URLs, styles inline, the QR code inline SVG. */
export const PRINTOUT_CSP = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:";

const styles = `
@page { size: A4; margin: 14mm 15mm 16mm; }
* { box-sizing: border-box; }
html { font-family: ${PRINT_FONT_STACK}; font-size: 10pt; line-height: 1.4; color: #111; }
body { margin: 0; }
[lang="ar"] { line-height: 1.6; }
h1 { font-size: 15pt; margin: 0; letter-spacing: 0.02em; }
h2 { font-size: 10.5pt; margin: 5mm 0 1.5mm; padding-bottom: 0.8mm; border-bottom: 0.3mm solid #444; }
h3 { font-size: 10pt; margin: 3mm 0 1mm; }
p { margin: 0 0 1.5mm; }
.letterhead { direction: ltr; display: grid; grid-template-columns: 1fr 1fr; gap: 8mm;
  padding-bottom: 3mm; border-bottom: 0.6mm double #222; }
.letterhead .ar { text-align: right; }
.letterhead .state { font-weight: 700; font-size: 9.5pt; }
.letterhead .facility { font-weight: 700; font-size: 11.5pt; }
.letterhead .contact { font-size: 8.5pt; color: #333; }
.heading { display: flex; justify-content: space-between; align-items: baseline; margin: 5mm 0 3mm; }
.parties { display: grid; grid-template-columns: 1fr 1fr; gap: 5mm; }
.party { border: 0.3mm solid #999; border-radius: 1.5mm; padding: 2.5mm 3mm; }
.party .role { font-size: 8pt; color: #555; text-transform: uppercase; letter-spacing: 0.04em; }
.party .name { font-weight: 700; font-size: 11pt; }
.facts { display: grid; grid-template-columns: auto 1fr; gap: 0.5mm 3mm; margin: 1mm 0 0; font-size: 9pt; }
.facts dt { color: #555; }
.facts dd { margin: 0; }
table { width: 100%; border-collapse: collapse; margin-top: 1mm; }
th, td { text-align: start; vertical-align: top; padding: 1.5mm 2mm; border-bottom: 0.2mm solid #bbb; }
th { font-size: 8.5pt; color: #444; border-bottom: 0.4mm solid #444; }
tr { break-inside: avoid; }
.drug { font-weight: 700; }
table.readings th { font-size: 10pt; color: #111; font-weight: 400; border-bottom: 0.2mm solid #bbb; width: 45%; }
.muted { color: #555; }
.text { white-space: pre-wrap; }
ul { margin: 0; padding-inline-start: 5mm; }
.closing { break-inside: avoid; display: grid; grid-template-columns: 1fr auto; gap: 8mm; margin-top: 8mm; align-items: end; }
.signature { border: 0.3mm dashed #777; border-radius: 1.5mm; min-height: 30mm; padding: 2mm 3mm; }
.signature .role { font-size: 8.5pt; color: #555; }
.qr { text-align: center; font-size: 7pt; color: #444; }
.qr svg { width: 28mm; height: 28mm; display: block; margin: 0 auto 1mm; }
.reference { direction: ltr; unicode-bidi: isolate; font-size: 6.5pt; word-break: break-all; max-width: 48mm; }
.printed { margin-top: 3mm; font-size: 7.5pt; color: #666; }
`;

function nameLines(name: BilingualName): Html {
  return html`${name.latin ? html`<div class="name" lang="fr" dir="ltr">${name.latin}</div>` : null}${
    name.arabic ? html`<div class="name" lang="ar" dir="rtl">${name.arabic}</div>` : null
  }`;
}

function facts(rows: [string, string | Html | null][]): Html {
  const present = rows.filter(([, value]) => value !== null && value !== '');
  return html`<dl class="facts">
    ${present.map(
      ([label, value]) =>
        html`<dt>${label}</dt>
          <dd dir="auto">${value}</dd>`,
    )}
  </dl>`;
}

/** A file name that every system accepts: no folder separators, reserved or control characters. */
export function safeFileName(parts: (string | null)[]): string {
  const stem = parts
    .filter((part): part is string => Boolean(part))
    .join('-')
    .normalize('NFC')
    .replace(/[\\/:*?"<>|\p{Cc}]+/gu, '')
    .replace(/\s+/g, '-')
    .replace(/-+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 120);
  return `${stem || 'document'}.pdf`;
}

export async function renderPrintout(context: PrintoutContext, page: PrintoutPage): Promise<Printout> {
  const { format, labels } = printoutTools(context);
  const language = context.language;
  const title = labels.title[page.kind];
  const patientName = page.patient.name.latin ?? page.patient.name.arabic ?? '';
  const reference: RecordReference = { ...page.printed, nationalIdentifier: identifierToken(page.patient) };
  const uri = recordReferenceUri(reference);
  const qr = await recordReferenceQrSvg(uri);
  const header = facilityHeader(context, [page.serviceProvider, page.patient.managingOrganization]);
  const gender = page.patient.gender ? labels.sexes[page.patient.gender] : null;

  const document = html`<!doctype html>
    <html lang="${language}" dir="${language === 'ar' ? 'rtl' : 'ltr'}">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="Content-Security-Policy" content="${PRINTOUT_CSP}" />
        <title>${title} — ${patientName}</title>
        <style>
          ${trustedMarkup(printFontFaces())}${trustedMarkup(styles)}
        </style>
      </head>
      <body>
        <header class="letterhead">
          <div class="fr" lang="fr" dir="ltr">
            <div class="state">${header.state.fr}</div>
            <div class="facility">${header.name.fr}</div>
            ${header.address ? html`<div class="contact">${header.address}</div>` : null}
            ${header.phone ? html`<div class="contact">${header.phone}</div>` : null}
          </div>
          <div class="ar" lang="ar" dir="rtl">
            <div class="state">${header.state.ar}</div>
            <div class="facility">${header.name.ar}</div>
            ${header.phone ? html`<div class="contact"><bdi dir="ltr">${header.phone}</bdi></div>` : null}
          </div>
        </header>
        <div class="heading">
          <h1>${title}</h1>
          <div>
            ${fillLabel(labels.dated, { date: format.date(page.date) ?? format.dateTime(context.now) })}
          </div>
        </div>
        <section class="parties">
          <div class="party" data-party="patient">
            <div class="role">${labels.patient}</div>
            ${nameLines(page.patient.name)}
            ${facts([
              [
                page.patient.identifier?.label ?? labels.identifier,
                page.patient.identifier ? html`<bdi dir="ltr">${page.patient.identifier.value}</bdi>` : null,
              ],
              [labels.birthDate, format.date(page.patient.birthDate)],
              [labels.age, format.age(page.patient.birthDate, context.now)],
              [labels.sex, gender],
            ])}
          </div>
          <div class="party" data-party="practitioner">
            <div class="role">${labels.practitioner}</div>
            ${page.practitioner ? nameLines(page.practitioner.name) : null}
            ${page.practitioner?.qualification ? html`<div class="muted">${page.practitioner.qualification}</div>` : null}
          </div>
        </section>
        <main>${page.body}</main>
        <footer class="closing">
          <div class="signature">
            <div class="role">${labels.signature}</div>
            ${page.practitioner ? nameLines(page.practitioner.name) : null}
          </div>
          <div class="qr" role="img" aria-label="${labels.recordReference}">
            ${qr}
            <div>${labels.recordReference}</div>
            <div class="reference">${uri}</div>
          </div>
        </footer>
        <p class="printed">${fillLabel(labels.printedOn, { date: format.dateTime(context.now) })}</p>
      </body>
    </html> `;
  return {
    kind: page.kind,
    html: document.markup,
    title: `${title} — ${patientName}`,
    fileName: safeFileName([
      labels.fileStem[page.kind],
      page.patient.name.latin ?? page.patient.name.arabic,
      format.isoDay(page.date ?? context.now),
    ]),
    patientId: page.patient.id,
    reference,
  };
}

export { facts as printoutFacts };
