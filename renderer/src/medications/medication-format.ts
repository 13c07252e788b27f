/**
 * How the medication screens say things in the reader's language: clinical dates, numbers, a
 * medicine's name, an ATC class, a dosage composed from its structured parts, a warning.
 * Medicines keep their INN in Latin script in Arabic too, as prescriptions are written.
 */
import type { TFunction } from 'i18next';
import type {
  AtcGroupLabel,
  Dosage,
  DoseUnit,
  DrugName,
  DrugPresentation,
  Labels,
  PrescriptionWarning,
} from '../../../main/contract/medication-types';
import type { Country, Language } from '../../../main/contract/types';
import { localeTag } from '../i18n/format';

/** A date (`YYYY-MM-DD`, taken as the calendar day it names) or an instant, in words. */
export function formatClinicalDate(
  value: string | null,
  language: Language,
  country: Country,
  style: 'long' | 'medium' = 'medium',
): string {
  if (!value) return '—';
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  return new Intl.DateTimeFormat(localeTag(language, country), {
    dateStyle: style,
    ...(dateOnly ? { timeZone: 'UTC' } : {}),
  }).format(new Date(dateOnly ? `${value}T00:00:00Z` : value));
}

export function formatNumber(
  value: number,
  language: Language,
  country: Country,
  decimals?: number | null,
): string {
  return new Intl.NumberFormat(localeTag(language, country), {
    maximumFractionDigits: decimals ?? 3,
    ...(decimals !== null && decimals !== undefined ? { minimumFractionDigits: decimals } : {}),
  }).format(value);
}

/** The decimal separator the reader types ("," in French and in Maghreb Arabic, "." in English). */
export function decimalSeparator(language: Language, country: Country): string {
  return (
    new Intl.NumberFormat(localeTag(language, country))
      .formatToParts(1.5)
      .find((part) => part.type === 'decimal')?.value ?? '.'
  );
}

/** NumberInput props for decimals typed either way: the locale's separator, and the point too. */
export function decimalInput(language: Language, country: Country) {
  return { decimalSeparator: decimalSeparator(language, country), allowedDecimalSeparators: ['.', ','] };
}

export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The medicine's name: its English name in English, the (French) INN otherwise. */
export function drugName(drug: DrugName, language: Language): string {
  return capitalised(language === 'en' ? drug.en : drug.inn);
}

export function labelIn(labels: Labels | AtcGroupLabel, language: Language): string {
  return labels[language];
}

/** "1 comprimé 3 fois par jour, pendant 6 jours, si besoin" in the reader's language. */
export function dosageSentence(dosage: Dosage, t: TFunction, language: Language, country: Country): string {
  const dose = t(`medication.units.${dosage.unit satisfies DoseUnit}`, {
    count: dosage.dose,
    dose: formatNumber(dosage.dose, language, country),
  });
  let frequency: string;
  if (dosage.periodUnit === 'h') frequency = t('medication.frequency.everyHours', { count: dosage.period });
  else if (dosage.period === 1)
    frequency = t(`medication.frequency.per.${dosage.periodUnit}`, { count: dosage.frequency });
  else
    frequency = t('medication.frequency.every', {
      frequency: dosage.frequency,
      period: formatNumber(dosage.period, language, country),
      unit: t(`medication.frequency.unit.${dosage.periodUnit}`),
    });
  const parts = [`${dose} ${frequency}`];
  parts.push(
    dosage.durationDays === null
      ? t('medication.duration.longTerm')
      : t('medication.duration.days', { count: dosage.durationDays }),
  );
  if (dosage.asNeeded) parts.push(t('medication.asNeeded'));
  const sentence = parts.join(t('medication.listSeparator'));
  return dosage.instructions ? `${sentence}. ${capitalised(dosage.instructions)}` : sentence;
}

/** The warning's title and sentence, naming the medicines and the allergy. */
export function warningText(
  warning: PrescriptionWarning,
  t: TFunction,
  language: Language,
): { title: string; body: string } {
  const drug = drugName(warning.drug, language);
  // The allergy as the record words it; in Arabic or English, as Tabib names its code.
  const allergy =
    (language !== 'fr' ? warning.allergy?.labels?.[language] : undefined) ?? warning.allergy?.text ?? '';
  const group = warning.group ? labelIn(warning.group, language) : '';
  const other = warning.other?.drug ? drugName(warning.other.drug, language) : (warning.other?.text ?? '');
  const where = warning.other
    ? t(
        warning.other.medicationRequestId
          ? 'medication.warnings.otherTaken'
          : 'medication.warnings.otherHere',
      )
    : '';
  const substance = warning.substance ? capitalised(warning.substance) : drug;
  switch (warning.kind) {
    case 'allergy':
      return {
        title: t('medication.warnings.allergyTitle', { allergy }),
        body: warning.group
          ? t('medication.warnings.allergyGroup', { drug, group, allergy })
          : warning.substance && warning.substance.toLowerCase() !== warning.drug.inn.toLowerCase()
            ? t('medication.warnings.allergySubstance', { drug, substance, allergy })
            : t('medication.warnings.allergyDrug', { drug, allergy }),
      };
    case 'crossReactivity':
      return {
        title: t('medication.warnings.crossTitle', { allergy }),
        body: t('medication.warnings.crossBody', { drug, group, allergy }),
      };
    case 'duplicateSubstance':
      return {
        title: t('medication.warnings.duplicateSubstanceTitle', { substance }),
        body: t('medication.warnings.duplicateSubstanceBody', { drug, other, substance, where }),
      };
    case 'duplicateClass':
      return {
        title: t('medication.warnings.duplicateClassTitle', { group }),
        body: t('medication.warnings.duplicateClassBody', { drug, other, group, where }),
      };
  }
}

/** The dose unit a presentation is usually counted in. */
export function unitForPresentation({ form, strength, route }: DrugPresentation): DoseUnit {
  const text = form.toLowerCase();
  // Insulins and other products dosed in units.
  if (/\bU(I)?\/mL\b/.test(strength)) return 'unit';
  if (text.includes('gélule') || text.includes('capsule')) return 'capsule';
  if (text.includes('sachet') || text.includes('granulés')) return 'sachet';
  if (text.includes('collyre') || text.includes('gouttes') || text.includes('auriculaire')) return 'drop';
  if (text.includes('suppositoire')) return 'suppository';
  if (text.includes('ovule')) return 'pessary';
  if (text.includes('pulvérisation')) return 'spray';
  if (text.includes('dispositif transdermique')) return 'patch';
  if (route === 'inhalation') return text.includes('poudre') ? 'inhalation' : 'puff';
  if (
    ['crème', 'pommade', 'gel', 'solution pour application', 'émulsion'].some((word) => text.includes(word))
  )
    return 'application';
  if (text.includes('injectable'))
    return route === 'subcutaneous' && text.includes('stylo') ? 'unit' : 'ampoule';
  if (text.includes('buvable') || text.includes('sirop') || text.includes('suspension')) return 'mL';
  return 'tablet';
}
