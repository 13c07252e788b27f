import { Button, Kbd } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconUserPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** Alt+N from anywhere in the Patients section (the physical key: an Arabic layout types another letter). */
export const NEW_PATIENT_SHORTCUT = 'alt+N';

/** Opens the registration form; its shortcut acts while the Patients section is on screen. */
export function NewPatientButton({ active, onClick }: { active: boolean; onClick(): void }) {
  const { t } = useTranslation();
  useHotkeys(active ? [[NEW_PATIENT_SHORTCUT, onClick, { usePhysicalKeys: true }]] : [], []);
  return (
    <Button
      // Teal 9: white text at more than 4.5:1 (WCAG 2.1 AA).
      color="teal.9"
      leftSection={<IconUserPlus size={18} aria-hidden />}
      rightSection={<Kbd size="xs">{t('registration.keys.newPatient')}</Kbd>}
      aria-keyshortcuts="Alt+N"
      onClick={onClick}
      data-testid="new-patient"
    >
      {t('registration.newPatient')}
    </Button>
  );
}
