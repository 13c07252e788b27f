import { Button, Kbd, Modal } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconUserEdit } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientSummary } from '../../../main/contract/types';
import { RegistrationForm } from './RegistrationForm';

/** Alt+E while the chart is on screen (the physical key, whatever the keyboard layout). */
export const EDIT_PATIENT_SHORTCUT = 'alt+E';

export interface PatientEditButtonProps {
  patientId: string;
  /** The patient as saved: the chart shows the new identity. */
  onSaved?(patient: PatientSummary): void;
  /** False while the chart is not on screen: the shortcut must not act. Default true. */
  active?: boolean;
}

/**
 * "Edit" for a chart's header: the registration form for this patient (identity, address,
 * coverage) over the chart, saved against the versions it was opened with.
 */
export function PatientEditButton({ patientId, onSaved, active = true }: PatientEditButtonProps) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  useHotkeys(
    active && !opened ? [[EDIT_PATIENT_SHORTCUT, () => setOpened(true), { usePhysicalKeys: true }]] : [],
    [],
  );
  return (
    <>
      <Button
        variant="default"
        leftSection={<IconUserEdit size={18} aria-hidden />}
        rightSection={<Kbd size="xs">{t('registration.keys.edit')}</Kbd>}
        aria-keyshortcuts="Alt+E"
        onClick={() => setOpened(true)}
        data-testid="patient-edit"
      >
        {t('registration.edit')}
      </Button>
      <Modal
        opened={opened}
        onClose={() => setOpened(false)}
        size="80rem"
        // The form handles Escape itself (and asks before dropping changes).
        closeOnEscape={false}
        title={t('registration.title.edit')}
        padding="lg"
        data-testid="patient-edit-modal"
      >
        {opened && (
          <RegistrationForm
            mode={{ kind: 'edit', patientId }}
            active
            onSaved={(result) => {
              setOpened(false);
              onSaved?.(result.patient);
            }}
            onCancel={() => setOpened(false)}
            embedded
          />
        )}
      </Modal>
    </>
  );
}
