/**
 * The demonstration's studies in the encrypted image cache, seeded with its patients
 * (setup.startDemo): two adult patients of the record carry their national identifier in Patient
 * ID, so their studies link to them as a CD from a radiology centre would — a head CT and a chest
 * radiograph for the first, an abdominal ultrasound for the second — and a third's chest
 * radiograph comes with a hospital number instead, to be confirmed by name and birth date.
 */
import type { HumanName, Patient } from '@medplum/fhirtypes';
import { TabibError } from '../../errors';
import type { Services } from '../../services/services';
import { createSearchRules } from '../../record/search/search-rules-for-country';
import type { ImportReport } from '../imaging-types';
import {
  chestRadiograph,
  headCt,
  ultrasoundClip,
  type DemoInstance,
  type DemoStudyPatient,
  type DemoStudyRequest,
} from './demo-studies';

const DAY = 86_400_000;
const AR_LANGUAGE = 'http://hl7.org/fhir/StructureDefinition/language';

export interface DemoImagingReport {
  studies: number;
  instances: number;
  bytes: number;
  milliseconds: number;
}

function isArabic(name: HumanName): boolean {
  return (name.extension ?? []).some(
    (extension) => extension.url === AR_LANGUAGE && extension.valueCode === 'ar',
  );
}

function nameParts(name: HumanName | undefined): { family: string; given: string } | null {
  if (!name?.family) return null;
  return { family: name.family, given: (name.given ?? []).join(' ') };
}

function ageOn(birthDate: string | undefined, now: Date): number {
  if (!birthDate) return 0;
  return (now.getTime() - Date.parse(birthDate)) / (365.25 * DAY);
}

/** The first adult patients of the seeded record (in the order they were seeded), with a national identifier. */
function demoPatients(
  services: Pick<Services, 'config' | 'env'>,
  patients: Patient[],
  now: Date,
  count: number,
): DemoStudyPatient[] {
  const rules = createSearchRules(services.env.resourcesDir, services.config.effective().country);
  const chosen: DemoStudyPatient[] = [];
  for (const patient of patients) {
    if (chosen.length >= count) break;
    const national = patient.identifier?.find(
      (identifier) => identifier.system && identifier.value && rules.isNationalSystem(identifier.system),
    );
    const latin = nameParts(patient.name?.find((name) => !isArabic(name)));
    if (!national?.value || !latin || ageOn(patient.birthDate, now) < 25) continue;
    chosen.push({
      id: national.value,
      issuer: '',
      latin: { family: latin.family.toUpperCase(), given: latin.given },
      arabic: nameParts(patient.name?.find(isArabic)),
      birthDate: patient.birthDate ?? null,
      sex: patient.gender === 'male' ? 'M' : patient.gender === 'female' ? 'F' : 'O',
    });
  }
  return chosen;
}

export async function seedDemoImaging(
  services: Pick<Services, 'record' | 'config' | 'env' | 'imaging'>,
  request: { seed: number },
): Promise<DemoImagingReport> {
  const started = performance.now();
  const record = await services.record.open();
  const now = services.record.now();
  const rows = record.queries
    .statement(`select json from resource where type = 'Patient' and deleted = 0 order by rowid limit 200`)
    .all() as { json: string }[];
  const patients = demoPatients(
    services,
    rows.map((row) => JSON.parse(row.json) as Patient),
    now,
    3,
  );
  const [first, second, third] = patients;
  const day = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY).toISOString().slice(0, 10);
  const facility = services.config.effective().facility?.name ?? 'Centre de radiologie de démonstration';
  const study = (
    patient: DemoStudyPatient,
    daysAgo: number,
    time: string,
    accession: string,
  ): DemoStudyRequest => ({
    seed: request.seed,
    patient,
    date: day(daysAgo),
    time,
    accessionNumber: `DEMO${accession}`,
    institution: facility,
    referringPhysician: 'DEMO^Médecin',
  });
  const made: Generator<DemoInstance>[] = [];
  if (first) {
    made.push(headCt(study(first, 2, '10:42:00', '0001')).instances);
    made.push(chestRadiograph(study(first, 40, '09:15:00', '0002')).instances);
  }
  if (second) made.push(ultrasoundClip(study(second, 9, '11:05:00', '0003')).instances);
  if (third) {
    // A study from a hospital that numbers its patients its own way: matched by name and birth date only.
    made.push(
      chestRadiograph(study({ ...third, id: `HOP-${third.id.slice(-4)}-17` }, 15, '16:20:00', '0004'))
        .instances,
    );
  }
  async function* instances() {
    for (const generator of made) for (const instance of generator) yield instance;
  }
  const library = await services.imaging.library();
  const report: ImportReport = await library.importStream(instances());
  if (report.errors > 0 || report.stoppedBy) {
    const failure = report.stoppedBy ?? report.files.find((file) => file.error)?.error;
    throw new TabibError(
      failure?.code ?? 'INTERNAL',
      `The demonstration studies could not be imported: ${failure?.message ?? 'unknown error'}`,
    );
  }
  return {
    studies: report.studies.length,
    instances: report.imported + report.duplicates,
    bytes: report.bytes,
    milliseconds: Math.round(performance.now() - started),
  };
}
