/**
 * The imaging report (issue 7): the study (its description, date and modalities, from the
 * ImagingStudy in the record), the report's indication, technique, findings and conclusion, and the
 * measurements saved on the study, signed by the radiologist who interpreted it. A preliminary
 * report is not printed: paper would outlive the corrections still to come.
 */
import type { DiagnosticReport, ImagingStudy, Observation } from '@medplum/fhirtypes';
import { patientResources, referenceId, requireStored } from '../care/stored-resources';
import type { ReportStatus } from '../contract/imaging-types';
import { TabibError } from '../errors';
import { isMeasurementOf, isReportOf, measurementView, reportView } from '../imaging/imaging-record';
import { html, type Html } from './html';
import {
  printablePatient,
  printoutTools,
  readPatientParty,
  readPractitionerParty,
  type PrintoutContext,
} from './printout-context';
import { printoutFacts, renderPrintout, type Printout } from './printout-document';
import { fillLabel } from './printout-labels';

const printableStatuses = new Set<DiagnosticReport['status']>(['final', 'amended', 'corrected', 'appended']);

export async function imagingReportPrintout(
  context: PrintoutContext,
  diagnosticReportId: string,
): Promise<Printout> {
  const stored = requireStored<DiagnosticReport>(context.record, 'DiagnosticReport', diagnosticReportId);
  const report = stored.resource;
  const imagingStudyId = referenceId(report.imagingStudy?.[0], 'ImagingStudy');
  if (!imagingStudyId || !isReportOf(report, imagingStudyId))
    throw new TabibError(
      'RESOURCE_NOT_FOUND',
      `DiagnosticReport/${diagnosticReportId} is not an imaging report`,
    );
  const patientId = printablePatient(report, printableStatuses.has(report.status));
  const study = requireStored<ImagingStudy>(context.record, 'ImagingStudy', imagingStudyId).resource;
  const { format, labels } = printoutTools(context);
  const words = labels.imagingReport;
  const studyUid = (study.identifier ?? [])
    .find((identifier) => identifier.system === 'urn:dicom:uid')
    ?.value?.replace(/^urn:oid:/, '');
  const view = reportView(stored, studyUid ?? '');

  const measurements = patientResources<Observation>(context.record, patientId, 'Observation')
    .filter((entry) => isMeasurementOf(entry.resource, imagingStudyId))
    .map((entry) => measurementView(entry.resource))
    .filter((entry) => entry !== null);
  const measurementText = (entry: NonNullable<(typeof measurements)[number]>): string => {
    const { values } = entry;
    const unit = entry.unit ? ` ${entry.unit}` : '';
    const parts: string[] = [];
    // Measured in pixels on an image without pixel spacing: printed so, never as mm.
    const [lengthUnit, areaUnit] = entry.geometryUnit === 'px' ? ['px', 'px²'] : ['mm', 'mm²'];
    if (values.length !== undefined) parts.push(`${format.number(values.length, 1)} ${lengthUnit}`);
    if (values.angle !== undefined) parts.push(`${format.number(values.angle, 1)}°`);
    if (values.area !== undefined) parts.push(`${format.number(values.area, 1)} ${areaUnit}`);
    if (values.value !== undefined) parts.push(`${format.number(values.value, 1)}${unit}`);
    if (
      values.mean !== undefined &&
      values.stdDev !== undefined &&
      values.min !== undefined &&
      values.max !== undefined
    )
      parts.push(
        fillLabel(words.statistics, {
          mean: `${format.number(values.mean, 1)}${unit}`,
          sd: format.number(values.stdDev, 1),
          min: format.number(values.min, 1),
          max: format.number(values.max, 1),
        }),
      );
    return parts.join(' — ');
  };

  const section = (key: 'indication' | 'technique' | 'findings' | 'conclusion'): Html | null => {
    const text = view[key].trim();
    if (!text) return null;
    return html`<h2>${words.sections[key]}</h2>
      <p class="text" dir="auto">${text}</p>`;
  };
  const modalities = [
    ...new Set(
      (study.series ?? []).map((series) => series.modality.code).filter((code): code is string => !!code),
    ),
  ].join(', ');

  const body = html`<section data-section="imaging-report">
    ${printoutFacts([
      [words.study, study.description ?? null],
      [words.studyDate, format.date(study.started)],
      [words.modality, modalities || null],
      [words.status, words.statuses[view.status as ReportStatus]],
    ])}
    ${section('indication')} ${section('technique')} ${section('findings')} ${section('conclusion')}
    ${
      measurements.length > 0
        ? html`<h2>${words.measurements}</h2>
            <table class="readings">
              ${measurements.map(
                (entry) =>
                  html`<tr>
                    <th dir="auto">${entry.label || words.kinds[entry.kind]}</th>
                    <td dir="auto">${measurementText(entry) || words.kinds[entry.kind]}</td>
                  </tr>`,
              )}
            </table>`
        : null
    }
  </section>`;

  return renderPrintout(context, {
    kind: 'imagingReport',
    serviceProvider: undefined,
    patient: readPatientParty(context, patientId),
    practitioner: readPractitionerParty(context, report.resultsInterpreter?.[0]),
    date: report.issued ?? null,
    body,
    printed: { type: 'DiagnosticReport', id: diagnosticReportId, version: stored.version },
  });
}
