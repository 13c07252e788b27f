import { Stack, Text } from '@mantine/core';
import type { CachedStudy } from '../../../main/contract/imaging-types';
import { useConfig } from '../app/config-context';
import { dicomNames } from './imaging-format';

/**
 * The patient's name as the images carry it, each script in its own direction (an Arabic name
 * stays right to left in the French screen), the interface's script first and stronger.
 */
export function DicomPatientName({
  name,
  text,
  size = 'sm',
}: {
  name: CachedStudy['patientName'];
  text: string;
  size?: 'xs' | 'sm' | 'md';
}) {
  const { config } = useConfig();
  const names = dicomNames(name, text, config.language);
  return (
    <Stack gap={0}>
      {names.map((entry, position) => (
        <Text
          key={entry.script + entry.text}
          component="span"
          size={size}
          dir={entry.script === 'arabic' ? 'rtl' : 'ltr'}
          lang={entry.script === 'arabic' ? 'ar' : 'und-Latn'}
          data-script={entry.script}
          fw={position === 0 ? 600 : 400}
          c={position === 0 ? undefined : 'dark.4'}
        >
          {entry.text}
        </Text>
      ))}
    </Stack>
  );
}
