/**
 * How the imaging screens show what the DICOM files say: the patient's name in each script it was
 * written in (a PN value's alphabetic, ideographic and phonetic groups, any of which may hold
 * Arabic), dates, sizes, modalities.
 */
import type { CachedStudy } from '../../../main/contract/imaging-types';
import type { Country, Language } from '../../../main/contract/types';
import { formatDay } from '../care/care-format';
import { formatBytes } from '../i18n/format';

type PersonName = NonNullable<CachedStudy['patientName']>;
type NameGroup = NonNullable<PersonName['alphabetic']>;

export interface ScriptName {
  script: 'latin' | 'arabic';
  text: string;
}

const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;

function groupText(group: NameGroup, script: ScriptName['script']): string {
  // As the record's names read: FAMILY given (Latin, as civil registers print them), given family (Arabic).
  const given = [group.given, group.middle].filter(Boolean).join(' ');
  return script === 'arabic'
    ? [group.prefix, given, group.family, group.suffix].filter(Boolean).join(' ')
    : [group.prefix, group.family.toLocaleUpperCase('fr'), given, group.suffix].filter(Boolean).join(' ');
}

/**
 * The DICOM patient name in each script it holds, the interface's own script first; the plain
 * text of the name when it has no groups (e.g. an ill-formed value).
 */
export function dicomNames(
  name: CachedStudy['patientName'],
  fallback: string,
  language: Language,
): ScriptName[] {
  const names: ScriptName[] = [];
  for (const group of [name?.alphabetic, name?.ideographic, name?.phonetic]) {
    if (!group) continue;
    const raw = [group.family, group.given, group.middle].join(' ');
    const script = ARABIC.test(raw) ? 'arabic' : 'latin';
    const text = groupText(group, script);
    if (text && !names.some((known) => known.text === text)) names.push({ script, text });
  }
  if (names.length === 0 && fallback.trim())
    names.push({ script: ARABIC.test(fallback) ? 'arabic' : 'latin', text: fallback.trim() });
  const first = language === 'ar' ? 'arabic' : 'latin';
  return names.sort((a, b) => Number(b.script === first) - Number(a.script === first));
}

/** The study's date in words, or '' when the file gives none. */
export function studyDay(date: string | null, language: Language, country: Country): string {
  return date ? formatDay(date, language, country, 'date') : '';
}

export function studySize(bytes: number, language: Language, country: Country): string {
  return formatBytes(bytes, language, country);
}

/** Text a worklist filter matches against: names, identifiers, description, accession number. */
export function studySearchText(study: CachedStudy): string {
  return fold(
    [
      study.patientNameText,
      study.dicomPatientId,
      study.description,
      study.accessionNumber,
      ...study.modalities,
    ].join(' '),
  );
}

/** Lower case without accents (and without Arabic short vowels), for filtering. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f\u064B-\u0652\u0670]/g, '')
    .toLocaleLowerCase('fr');
}

/** The modalities a PACS search may ask for (PS3.3 C.7.3.1.1.1), most common first. */
export const searchModalities = ['CT', 'MR', 'CR', 'DX', 'US', 'MG', 'XA', 'NM', 'PT', 'RF', 'OT'] as const;

/** A dark orange for what waits on someone (unlinked, preliminary): 6:1 on white, where Mantine's orange.9 gives 4.3:1. */
export const WARNING_COLOR = '#a34700';
