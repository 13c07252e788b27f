/**
 * A prescription line's dosage as FHIR R4 writes it (Dosage: text, timing.repeat, doseAndRate,
 * asNeeded, route; MedicationRequest.dispenseRequest), and back. The text is written in French,
 * the language prescriptions are written and dispensed in across the Maghreb (and the one the
 * rest of the record's clinical texts use); the screens compose the structured part in the
 * reader's language.
 */
import type { Dosage as FhirDosage, MedicationRequest, Quantity } from '@medplum/fhirtypes';
import {
  doseUnits,
  periodUnits,
  type Dosage,
  type DoseUnit,
  type MedicationRoute,
  type PeriodUnit,
} from '../contract/medication-types';

const UCUM = 'http://unitsofmeasure.org';

/** French, singular and plural, as a prescription writes them. */
const unitText: Record<DoseUnit, [string, string]> = {
  tablet: ['comprimé', 'comprimés'],
  capsule: ['gélule', 'gélules'],
  sachet: ['sachet', 'sachets'],
  mL: ['mL', 'mL'],
  drop: ['goutte', 'gouttes'],
  puff: ['bouffée', 'bouffées'],
  inhalation: ['inhalation', 'inhalations'],
  spray: ['pulvérisation', 'pulvérisations'],
  application: ['application', 'applications'],
  suppository: ['suppositoire', 'suppositoires'],
  pessary: ['ovule', 'ovules'],
  unit: ['UI', 'UI'],
  ampoule: ['ampoule', 'ampoules'],
  patch: ['dispositif', 'dispositifs'],
};

/** Units read back from records written elsewhere (the demonstration writes "U" for insulin glargine). */
const unitAliases: Record<string, DoseUnit> = { U: 'unit', '[iU]': 'unit', unité: 'unit', unités: 'unit' };

export const routeText: Record<MedicationRoute, string> = {
  oral: 'voie orale',
  buccal: 'voie buccale',
  sublingual: 'voie sublinguale',
  rectal: 'voie rectale',
  cutaneous: 'voie cutanée',
  transdermal: 'voie transdermique',
  nasal: 'voie nasale',
  inhalation: 'voie inhalée',
  ophthalmic: 'voie ophtalmique',
  auricular: 'voie auriculaire',
  vaginal: 'voie vaginale',
  intrauterine: 'voie intra-utérine',
  intradermal: 'voie intradermique',
  subcutaneous: 'voie sous-cutanée',
  intramuscular: 'voie intramusculaire',
  intravenous: 'voie intraveineuse',
};

/** 1,5 not 1.5: French decimals. */
function frenchNumber(value: number): string {
  return String(value).replace('.', ',');
}

function frequencyText(dosage: Pick<Dosage, 'frequency' | 'period' | 'periodUnit'>): string {
  const { frequency, period, periodUnit } = dosage;
  if (periodUnit === 'h') {
    const every = period === 1 ? 'toutes les heures' : `toutes les ${frenchNumber(period)} heures`;
    return frequency === 1 ? every : `${frequency} fois ${every}`;
  }
  const times = `${frequency} fois`;
  if (period === 1) return `${times} par ${{ d: 'jour', wk: 'semaine', mo: 'mois' }[periodUnit]}`;
  const unit = { d: 'jours', wk: 'semaines', mo: 'mois' }[periodUnit];
  return `${times} tous les ${frenchNumber(period)} ${unit}`;
}

/** "1 comprimé 3 fois par jour pendant 6 jours, si besoin. Au milieu des repas." */
export function dosageText(dosage: Dosage): string {
  const [one, many] = unitText[dosage.unit];
  const parts = [`${frenchNumber(dosage.dose)} ${dosage.dose > 1 ? many : one} ${frequencyText(dosage)}`];
  parts.push(
    dosage.durationDays === null
      ? 'au long cours'
      : `pendant ${dosage.durationDays} ${dosage.durationDays > 1 ? 'jours' : 'jour'}`,
  );
  let text = parts.join(' ');
  if (dosage.asNeeded) text += ', si besoin';
  text += '.';
  const instructions = dosage.instructions?.trim();
  if (instructions) text += ` ${instructions.charAt(0).toUpperCase()}${instructions.slice(1)}`;
  return text;
}

function doseQuantity(dosage: Dosage): Quantity {
  const unit = unitText[dosage.unit][dosage.dose > 1 ? 1 : 0];
  if (dosage.unit === 'mL') return { value: dosage.dose, unit, system: UCUM, code: 'mL' };
  if (dosage.unit === 'unit') return { value: dosage.dose, unit, system: UCUM, code: '[iU]' };
  return { value: dosage.dose, unit };
}

function days(value: number): Quantity {
  return { value, unit: 'jours', system: UCUM, code: 'd' };
}

/** MedicationRequest.dosageInstruction for one line. */
export function dosageInstruction(dosage: Dosage, route: MedicationRoute): FhirDosage {
  return {
    text: dosageText(dosage),
    ...(dosage.instructions?.trim() ? { patientInstruction: dosage.instructions.trim() } : {}),
    timing: {
      repeat: {
        frequency: dosage.frequency,
        period: dosage.period,
        periodUnit: dosage.periodUnit,
        ...(dosage.durationDays !== null ? { boundsDuration: days(dosage.durationDays) } : {}),
      },
    },
    ...(dosage.asNeeded ? { asNeededBoolean: true } : {}),
    route: { text: routeText[route] },
    doseAndRate: [{ doseQuantity: doseQuantity(dosage) }],
  };
}

/** How much to dispense: the course; a long-term treatment a month at a time, renewed. */
export function dispenseRequest(
  dosage: Dosage,
  refills: number | undefined,
): MedicationRequest['dispenseRequest'] {
  return dosage.durationDays !== null
    ? { expectedSupplyDuration: days(dosage.durationDays) }
    : { numberOfRepeatsAllowed: refills ?? 2, expectedSupplyDuration: days(30) };
}

function unitOf(quantity: Quantity | undefined): DoseUnit | null {
  const unit = quantity?.unit ?? quantity?.code;
  if (!unit) return null;
  if ((doseUnits as readonly string[]).includes(unit)) return unit as DoseUnit;
  if (unitAliases[unit]) return unitAliases[unit];
  for (const [code, [one, many]] of Object.entries(unitText) as [DoseUnit, [string, string]][])
    if (unit === one || unit === many) return code;
  return null;
}

function durationDaysOf(quantity: Quantity | undefined): number | null {
  if (quantity?.value === undefined) return null;
  const unit = quantity.code ?? quantity.unit;
  if (unit === 'd' || unit === 'jours' || unit === 'jour') return quantity.value;
  if (unit === 'wk') return quantity.value * 7;
  if (unit === 'mo') return quantity.value * 30;
  return null;
}

/** The structured dosage of a request, when it holds one Tabib can read. */
export function readDosage(instruction: FhirDosage | undefined): Dosage | null {
  const repeat = instruction?.timing?.repeat;
  const quantity = instruction?.doseAndRate?.[0]?.doseQuantity;
  const unit = unitOf(quantity);
  const periodUnit = repeat?.periodUnit as PeriodUnit | undefined;
  if (!repeat || quantity?.value === undefined || !unit || !repeat.frequency) return null;
  if (!periodUnit || !(periodUnits as readonly string[]).includes(periodUnit)) return null;
  return {
    dose: quantity.value,
    unit,
    frequency: repeat.frequency,
    period: repeat.period ?? 1,
    periodUnit,
    durationDays: durationDaysOf(repeat.boundsDuration),
    asNeeded: instruction?.asNeededBoolean === true,
    instructions: instruction?.patientInstruction ?? null,
  };
}

/** When a course prescribed at `authoredOn` ends; null for a long-term treatment. */
export function courseEnd(
  authoredOn: string | undefined,
  instruction: FhirDosage | undefined,
): string | null {
  const length = durationDaysOf(instruction?.timing?.repeat?.boundsDuration);
  if (!authoredOn || length === null) return null;
  return new Date(Date.parse(authoredOn) + length * 86_400_000).toISOString();
}
