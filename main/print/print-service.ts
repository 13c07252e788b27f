/**
 * print.document: builds the printout's HTML from the record, has the host render it to PDF, and
 * leaves an audit entry: a printout takes the patient's data out of the record onto paper or into
 * a file, so it is recorded as an export (AuditEvent action E, the printed resource as entity,
 * the practitioner as agent), like every opening of the chart.
 */
import type { PrintedDocument, PrintKind } from '../contract/features/print-contract';
import { TabibError } from '../errors';
import { loadTerminology } from '../record/demo/terminology';
import { loadCountryProfile } from '../record/identity/country-profile';
import type { Services } from '../services/services';
import { pdfPageCount, renderPdfWithin } from './pdf-renderer';
import type { PrintoutContext } from './printout-context';
import type { Printout } from './printout-document';
import { prescriptionPrintout } from './prescription-printout';
import { referralPrintout } from './referral-printout';
import { visitSummaryPrintout } from './visit-summary-printout';
import { imagingReportPrintout } from './imaging-report-printout';

const builders: Record<PrintKind, (context: PrintoutContext, resourceId: string) => Promise<Printout>> = {
  prescription: prescriptionPrintout,
  referral: referralPrintout,
  visitSummary: visitSummaryPrintout,
  imagingReport: imagingReportPrintout,
};

export type PrintServices = Pick<Services, 'record' | 'config' | 'env' | 'printer'>;

/** The context of a printout made now, on this workstation, in its user's language. */
export async function printoutContext(services: PrintServices): Promise<PrintoutContext> {
  const config = services.config.effective();
  const resourcesDir = services.env.resourcesDir;
  return {
    record: await services.record.open(),
    language: config.language,
    country: config.country,
    profile: loadCountryProfile(resourcesDir, config.country),
    facility: config.facility,
    terminology: loadTerminology(resourcesDir),
    resourcesDir,
    now: services.record.now(),
  };
}

/** The printout's HTML, without rendering it (what the PDF is made from). */
export async function buildPrintout(
  services: PrintServices,
  request: { kind: PrintKind; resourceId: string },
): Promise<Printout> {
  return builders[request.kind](await printoutContext(services), request.resourceId);
}

export async function printDocument(
  services: PrintServices,
  request: { kind: PrintKind; resourceId: string },
): Promise<PrintedDocument> {
  const context = await printoutContext(services);
  const printout = await builders[request.kind](context, request.resourceId);
  const printer = services.printer;
  if (!printer)
    throw new TabibError(
      'PRINT_UNAVAILABLE',
      'No PDF renderer on this host: printing needs the app (or the harness)',
    );
  const pdf = await renderPdfWithin(printer, printout.html);
  const pages = pdfPageCount(pdf);
  const { record } = context;
  record.queries.transaction(() =>
    record.audit.append(
      services.record.actor(),
      {
        action: 'E',
        patientId: printout.patientId,
        entity: { type: printout.reference.type, id: printout.reference.id },
        description: `print ${request.kind}: ${printout.fileName} (${pages} p.)`,
      },
      services.record.now().toISOString(),
    ),
  );
  return {
    title: printout.title,
    fileName: printout.fileName,
    pdf: Buffer.from(pdf).toString('base64'),
    pages,
  };
}
