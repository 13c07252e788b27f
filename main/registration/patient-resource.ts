/**
 * A registration draft as a FHIR R4 Patient, and back. The Patient has the shape the record
 * already holds (main/record/demo/generator.ts): an official name in each script (the Arabic one
 * tagged with its language), the national identifier typed NI (HL7 v2-0203) under the country
 * profile's system, a passport typed PPN, an E.164 mobile number, a home address whose
 * divisions carry their codes, the facility as managingOrganization.
 *
 * Editing replaces what the form shows and keeps everything else the record holds: other
 * identifiers (a card's document number, a foreign passport), former names, other phone numbers
 * and addresses, the preferred language, the general practitioner, extensions.
 */
import type {
  Address,
  ContactPoint,
  HumanName,
  Identifier,
  Organization,
  Patient,
  Reference,
} from '@medplum/fhirtypes';
import type { PatientDraft } from '../contract/features/registration-contract';
import type { Country } from '../contract/types';
import { nationalSystems, passportSystems, type CountryProfile } from '../record/identity/country-profile';
import { phoneKey } from '../record/identity/phone-number';
import { namesByScript } from '../record/patient-index';
import {
  ageOfPartialDate,
  BIRTH_DATE_ESTIMATED_URL,
  estimatedBirthDate,
  isEstimatedBirthDate,
  type CalendarDay,
} from './birth-date';
import { addressDivisions, divisionsOfAddress, type CountryPlaces } from './places';

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
/** The language of a name (FHIR core extension), as the demonstration tags Arabic names. */
const NAME_LANGUAGE_URL = 'http://hl7.org/fhir/StructureDefinition/language';

export interface PatientContext {
  country: Country;
  profile: CountryProfile;
  places: CountryPlaces;
  today: CalendarDay;
  /** The facility that registers the patient (managingOrganization); null when not configured. */
  facility: Reference<Organization> | null;
}

type PatientJson = Patient & { _birthDate?: { extension?: { url: string; valueBoolean?: boolean }[] } };

/** A name that stays as it was: former, maiden or nick names, and names whose period has ended. */
function keptName(name: HumanName): boolean {
  return (
    name.use === 'old' ||
    name.use === 'maiden' ||
    name.use === 'nickname' ||
    name.use === 'anonymous' ||
    name.period?.end !== undefined
  );
}

function officialName(family: string, given: string, arabic: boolean): HumanName {
  return {
    use: 'official',
    family,
    given: given.split(' '),
    ...(arabic ? { extension: [{ url: NAME_LANGUAGE_URL, valueCode: 'ar' }] } : {}),
  };
}

function names(draft: PatientDraft, previous: Patient | null): HumanName[] {
  const kept = (previous?.name ?? []).filter(keptName);
  const current: HumanName[] = [];
  if (draft.latin.family || draft.latin.given)
    current.push(officialName(draft.latin.family, draft.latin.given, false));
  if (draft.arabic.family || draft.arabic.given)
    current.push(officialName(draft.arabic.family, draft.arabic.given, true));
  return [...current, ...kept];
}

function identifiers(draft: PatientDraft, previous: Patient | null, profile: CountryProfile): Identifier[] {
  const owned = new Set([...nationalSystems(profile), ...passportSystems(profile)]);
  const kept = (previous?.identifier ?? []).filter(
    (identifier) => !identifier.system || !owned.has(identifier.system),
  );
  const made: Identifier[] = [];
  if (draft.nationalId)
    made.push({
      use: 'official',
      type: {
        coding: [
          {
            system: V2_0203,
            code: profile.nationalIdentifier.typeCode,
            display: 'National unique individual identifier',
          },
        ],
        text: profile.nationalIdentifier.display.fr,
      },
      system: profile.nationalIdentifier.system,
      value: draft.nationalId,
    });
  if (draft.passport)
    made.push({
      use: 'secondary',
      type: {
        coding: [{ system: V2_0203, code: profile.passport.typeCode, display: 'Passport number' }],
        text: profile.passport.display.fr,
      },
      system: profile.passport.system,
      value: draft.passport,
    });
  return [...made, ...kept];
}

/** The first phone number is the form's; the others are kept. */
function telecom(draft: PatientDraft, previous: Patient | null, profile: CountryProfile): ContactPoint[] {
  const all = [...(previous?.telecom ?? [])];
  const index = all.findIndex((point) => point.system === 'phone');
  const key = draft.phone ? phoneKey(profile.phone, draft.phone) : null;
  // E.164 (ITU-T E.164 §6), the form the search's phone key and a dialler expect.
  const phone: ContactPoint | null = key
    ? { system: 'phone', value: `+${key}`, use: index >= 0 ? (all[index]?.use ?? 'mobile') : 'mobile' }
    : null;
  if (index >= 0) {
    if (phone) all[index] = phone;
    else all.splice(index, 1);
  } else if (phone) all.unshift(phone);
  return all;
}

/** The home address (or the first) is the form's; the others are kept. */
function addresses(draft: PatientDraft, previous: Patient | null, context: PatientContext): Address[] {
  const all = [...(previous?.address ?? [])];
  const home = all.findIndex((address) => address.use === 'home');
  const index = home >= 0 ? home : all.length > 0 ? 0 : -1;
  const { path, locality, line } = draft.address;
  const empty = path.length === 0 && !locality && !line;
  const address: Address | null = empty
    ? null
    : ({
        use: 'home',
        type: 'physical',
        ...(line ? { line: [line] } : {}),
        ...addressDivisions(context.places, path, locality),
        country: context.country,
      } as Address);
  if (index >= 0) {
    if (address) all[index] = address;
    else all.splice(index, 1);
  } else if (address) all.push(address);
  return all;
}

/** The Patient the draft (already normalised and checked) describes, over what the record held. */
export function patientFromDraft(
  draft: PatientDraft,
  previous: Patient | null,
  context: PatientContext,
): Patient {
  const base: PatientJson = { ...(previous ?? { resourceType: 'Patient' }) };
  delete base._birthDate;
  delete base.birthDate;
  const patient: PatientJson = {
    ...base,
    resourceType: 'Patient',
    active: previous?.active ?? true,
    identifier: identifiers(draft, previous, context.profile),
    name: names(draft, previous),
    telecom: telecom(draft, previous, context.profile),
    ...(draft.gender ? { gender: draft.gender } : {}),
    address: addresses(draft, previous, context),
  };
  if (draft.birth?.kind === 'date') patient.birthDate = draft.birth.date;
  else if (draft.birth) {
    patient.birthDate = estimatedBirthDate(draft.birth, context.today);
    patient._birthDate = { extension: [{ url: BIRTH_DATE_ESTIMATED_URL, valueBoolean: true }] };
  }
  if (!patient.managingOrganization && context.facility) patient.managingOrganization = context.facility;
  // FHIR forbids empty arrays (R4 json.html#arrays).
  if (patient.identifier?.length === 0) delete patient.identifier;
  if (patient.name?.length === 0) delete patient.name;
  if (patient.telecom?.length === 0) delete patient.telecom;
  if (patient.address?.length === 0) delete patient.address;
  return patient;
}

function nameOfScript(patient: Patient, arabic: boolean): { family: string; given: string } {
  const names = namesByScript(patient);
  const found = arabic ? names.arabic : names.latin;
  return found ? { family: found.family, given: found.given } : { family: '', given: '' };
}

/** The draft the edit form starts from. */
export function draftFromPatient(patient: Patient, context: PatientContext): Omit<PatientDraft, 'coverage'> {
  const national = new Set(nationalSystems(context.profile));
  const passport = new Set(passportSystems(context.profile));
  const valueOf = (systems: Set<string>) =>
    patient.identifier?.find((identifier) => identifier.system && systems.has(identifier.system))?.value ??
    '';
  const home = patient.address?.find((address) => address.use === 'home') ?? patient.address?.[0];
  const divisions = home ? divisionsOfAddress(context.places, home) : { path: [], locality: '' };
  let birth: PatientDraft['birth'] = null;
  if (patient.birthDate) {
    const age = isEstimatedBirthDate(patient) ? ageOfPartialDate(patient.birthDate, context.today) : null;
    birth = age
      ? { kind: 'estimated', ...age }
      : patient.birthDate.length === 10
        ? { kind: 'date', date: patient.birthDate }
        : null;
  }
  const gender = patient.gender ?? null;
  return {
    latin: nameOfScript(patient, false),
    arabic: nameOfScript(patient, true),
    nationalId: valueOf(national),
    passport: valueOf(passport),
    birth,
    gender,
    phone: patient.telecom?.find((point) => point.system === 'phone' && point.value)?.value ?? '',
    address: { ...divisions, line: home?.line?.join(', ') ?? '' },
  };
}
