/**
 * What every printout reads besides its own resource: who it is about (the patient, names in
 * both scripts, national identifier, birth date), who signs it (the practitioner), the facility
 * that issues it, and the language and country it is written for. Read through the record's
 * store only.
 */
import type {
  CodeableConcept,
  HumanName,
  Identifier,
  Organization,
  Patient,
  Practitioner,
  Reference,
} from '@medplum/fhirtypes';
import type { Country, Facility, Language } from '../contract/types';
import type { Terminology } from '../record/demo/terminology';
import { nationalSystems, passportSystems, type CountryProfile } from '../record/identity/country-profile';
import { referenceId, requireStored } from '../care/stored-resources';
import { TabibError } from '../errors';
import type { LocalRecord } from '../record/local-record';
import { isArabicScript } from '../record/patient-index';
import { PrintoutFormat } from './printout-format';
import { printoutLabels, type PrintoutLabels } from './printout-labels';

export interface PrintoutContext {
  record: LocalRecord;
  language: Language;
  country: Country;
  profile: CountryProfile;
  /** The workstation's facility (configuration), null on a workstation not yet set up. */
  facility: Facility | null;
  terminology: Terminology;
  /** resources/: the specialty and referral facility lists (main/care/referral-directory.ts). */
  resourcesDir: string;
  /** The services' clock: the moment of printing. */
  now: Date;
}

export interface PrintoutTools {
  format: PrintoutFormat;
  labels: PrintoutLabels;
}

export function printoutTools(context: PrintoutContext): PrintoutTools {
  return {
    format: new PrintoutFormat(context.language, context.country),
    labels: printoutLabels[context.language],
  };
}

/** A name in both scripts, where the record has them. */
export interface BilingualName {
  latin: string | null;
  arabic: string | null;
}

export interface PatientParty {
  id: string;
  name: BilingualName;
  identifier: { label: string; system: string; value: string } | null;
  birthDate: string | null;
  gender: Patient['gender'] | null;
  /** Where the patient is followed: a way to the facility's Organization. */
  managingOrganization: Reference | undefined;
}

export interface PractitionerParty {
  name: BilingualName;
  qualification: string | null;
}

function fullName(name: HumanName): string {
  return (name.text ?? [...(name.prefix ?? []), ...(name.given ?? []), name.family ?? ''].join(' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The current name in each script: official first, then usual, then any (as the patient index reads them). */
export function bilingualName(names: readonly HumanName[] | undefined): BilingualName {
  const order = (name: HumanName) => (name.use === 'official' ? 0 : name.use === 'usual' ? 1 : 2);
  const current = (names ?? [])
    .filter((name) => name.use !== 'old' && !name.period?.end)
    .sort((a, b) => order(a) - order(b))
    .map(fullName)
    .filter((text) => text.length > 0);
  return {
    latin: current.find((text) => !isArabicScript(text)) ?? null,
    arabic: current.find((text) => isArabicScript(text)) ?? null,
  };
}

/** The patient's national identifier (or passport) as the country profile names it. */
function printedIdentifier(
  identifiers: readonly Identifier[],
  profile: CountryProfile,
  language: Language,
): PatientParty['identifier'] {
  const national = nationalSystems(profile);
  const passport = passportSystems(profile);
  const withValue = identifiers.filter((identifier) => identifier.system && identifier.value);
  const found =
    withValue.find((identifier) => national.includes(identifier.system as string)) ??
    withValue.find((identifier) => passport.includes(identifier.system as string)) ??
    withValue[0];
  if (!found?.system || !found.value) return null;
  const label = national.includes(found.system)
    ? profile.nationalIdentifier.display[language]
    : passport.includes(found.system)
      ? profile.passport.display[language]
      : printoutLabels[language].identifier;
  return { label, system: found.system, value: found.value };
}

/**
 * The patient a resource to print belongs to, once it may be printed: a draft, a cancelled or an
 * erroneous record never reaches paper (PRINT_NOT_SIGNED, with its status).
 */
export function printablePatient(
  resource: {
    resourceType: string;
    id?: string | undefined;
    status?: string | undefined;
    subject?: Reference | undefined;
  },
  printable: boolean,
): string {
  const name = `${resource.resourceType}/${resource.id ?? ''}`;
  if (!printable)
    throw new TabibError('PRINT_NOT_SIGNED', `${name} is ${resource.status}: it is not printed`, {
      status: resource.status,
    });
  const patientId = referenceId(resource.subject, 'Patient');
  if (!patientId) throw new TabibError('RESOURCE_INVALID', `${name} names no patient`);
  return patientId;
}

/** The patient's identifier as the record reference carries it: a FHIR token, system and value. */
export function identifierToken(patient: PatientParty): { system: string; value: string } | null {
  return patient.identifier ? { system: patient.identifier.system, value: patient.identifier.value } : null;
}

export function readPatientParty(context: PrintoutContext, patientId: string): PatientParty {
  const patient = requireStored<Patient>(context.record, 'Patient', patientId).resource;
  return {
    id: patientId,
    name: bilingualName(patient.name),
    identifier: printedIdentifier(patient.identifier ?? [], context.profile, context.language),
    birthDate: patient.birthDate ?? null,
    gender: patient.gender ?? null,
    managingOrganization: patient.managingOrganization,
  };
}

/** The practitioner a reference names: from their Practitioner resource when the record has it, else its display. */
export function readPractitionerParty(
  context: PrintoutContext,
  reference: Reference | undefined,
): PractitionerParty | null {
  if (!reference) return null;
  const id = referenceId(reference, 'Practitioner');
  const practitioner = id ? context.record.store.read<Practitioner>('Practitioner', id) : null;
  if (!practitioner) {
    const display = reference.display?.trim();
    if (!display) return null;
    return {
      name: isArabicScript(display) ? { latin: null, arabic: display } : { latin: display, arabic: null },
      qualification: null,
    };
  }
  const qualification = practitioner.qualification?.[0]?.code;
  return {
    name: bilingualName(practitioner.name),
    qualification: qualification ? conceptText(qualification) : null,
  };
}

/** A concept as text: its text, else its first display, else its first code. */
export function conceptText(concept: CodeableConcept | undefined): string | null {
  if (!concept) return null;
  return (
    concept.text ??
    concept.coding?.find((coding) => coding.display)?.display ??
    concept.coding?.find((coding) => coding.code)?.code ??
    null
  );
}

const ICD10 = 'http://hl7.org/fhir/sid/icd-10';

/**
 * A concept in the printout's language: an ICD-10 code from Tabib's bundled subset gets its
 * label in that language and its code; anything else is shown as recorded.
 */
export function localisedConcept(
  context: PrintoutContext,
  concept: CodeableConcept | undefined,
): string | null {
  for (const coding of concept?.coding ?? []) {
    if (coding.system !== ICD10 || !coding.code) continue;
    const known = context.terminology.icd10ByCode.get(coding.code);
    if (known) return `${known[context.language]} (${coding.code})`;
  }
  return conceptText(concept);
}

/** The facility as its letterhead names it, in French and in Arabic. */
export interface FacilityHeader {
  state: { fr: string; ar: string };
  name: { fr: string; ar: string };
  address: string | null;
  phone: string | null;
}

/**
 * The state's official names, as the ministries of health head their documents. The country
 * profile names the country ("Maroc"); a letterhead names the state.
 */
const stateNames: Record<Country, { fr: string; ar: string }> = {
  MA: { fr: 'Royaume du Maroc', ar: 'المملكة المغربية' },
  DZ: {
    fr: 'République algérienne démocratique et populaire',
    ar: 'الجمهورية الجزائرية الديمقراطية الشعبية',
  },
  TN: { fr: 'République tunisienne', ar: 'الجمهورية التونسية' },
};

const FACILITY_SYSTEM = 'urn:tabib:facility';

/**
 * The header of the workstation's facility (configuration `facility`). When the document's
 * references lead to the facility's Organization (the encounter's serviceProvider, the patient's
 * managing organization; its identifier urn:tabib:facility is the configured code), that names it:
 * `name` in French, the `alias` in Arabic script, its address and phone. Otherwise the configured
 * name stands in both columns.
 */
export function facilityHeader(
  context: PrintoutContext,
  organizations: (Reference | undefined)[],
): FacilityHeader {
  const facility = context.facility;
  let organization: Organization | null = null;
  for (const reference of organizations) {
    const id = referenceId(reference, 'Organization');
    const candidate = id ? context.record.store.read<Organization>('Organization', id) : null;
    const code = candidate?.identifier?.find((identifier) => identifier.system === FACILITY_SYSTEM)?.value;
    if (candidate && facility && code === facility.id) {
      organization = candidate;
      break;
    }
  }
  // The configuration says which facility this is; its Organization, when found, names it in both scripts.
  const name = organization?.name ?? facility?.name ?? context.profile.name.fr;
  const arabic = organization?.alias?.find(isArabicScript) ?? (isArabicScript(name) ? name : null);
  const address = organization?.address?.[0];
  return {
    state: stateNames[context.country],
    name: { fr: name, ar: arabic ?? name },
    address: address
      ? (address.text ?? ([address.line?.join(', '), address.city].filter(Boolean).join(', ') || null))
      : null,
    phone: organization?.telecom?.find((telecom) => telecom.system === 'phone')?.value ?? null,
  };
}
