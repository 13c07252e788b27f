import { Text, type TextProps } from '@mantine/core';
import type { Language, PersonName } from '../../../main/contract/types';

/**
 * Latin-script names as civil registers and ID cards print them in the Maghreb: FAMILY name in
 * capitals, then the given name. (`toLocaleUpperCase('fr')`: no Turkish dotless i.)
 */
export function latinNameText(name: PersonName): string {
  return [name.family.toLocaleUpperCase('fr'), name.given].filter(Boolean).join(' ');
}

/** Arabic-script names in their natural reading order: given name, then family name. */
export function arabicNameText(name: PersonName): string {
  return [name.given, name.family].filter(Boolean).join(' ');
}

/**
 * One name in its own script and direction, whatever the interface's: an Arabic name stays
 * right-to-left (and is announced as Arabic) inside the French screen, a Latin name stays
 * left-to-right inside the Arabic one. `und-Latn`: Latin script, language not known.
 */
export function PatientName({
  name,
  script,
  ...props
}: { name: PersonName; script: 'latin' | 'arabic' } & TextProps) {
  return script === 'arabic' ? (
    <Text component="span" dir="rtl" lang="ar" data-script="arabic" {...props}>
      {arabicNameText(name)}
    </Text>
  ) : (
    <Text component="span" dir="ltr" lang="und-Latn" data-script="latin" {...props}>
      {latinNameText(name)}
    </Text>
  );
}

/** The script a patient's name is shown in first: the interface's own, where the patient has one. */
export function scriptsInOrder(
  patient: { latin: PersonName | null; arabic: PersonName | null },
  language: Language,
): { script: 'latin' | 'arabic'; name: PersonName }[] {
  const both = [
    { script: 'latin' as const, name: patient.latin },
    { script: 'arabic' as const, name: patient.arabic },
  ];
  if (language === 'ar') both.reverse();
  return both.filter(
    (entry): entry is { script: 'latin' | 'arabic'; name: PersonName } => entry.name !== null,
  );
}

/** A person's names in both scripts, in the order scriptsInOrder gives: the first stands out. */
export function NamesInScripts({ names }: { names: { script: 'latin' | 'arabic'; name: PersonName }[] }) {
  return names.map(({ script, name }, position) => (
    <PatientName
      key={script}
      name={name}
      script={script}
      inherit
      c={position === 0 ? undefined : 'dark.4'}
      fw={position === 0 ? 600 : 400}
    />
  ));
}
