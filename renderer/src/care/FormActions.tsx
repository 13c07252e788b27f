import { Button, Group, Kbd, type MantineColor, type MantineSize } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface FormActionsProps {
  onCancel(): void;
  onSubmit(): void;
  saving: boolean;
  submitLabel: string;
  submitTestId: string;
  /** "Cancel" unless the form says better (e.g. "Keep the appointment"). */
  cancelLabel?: string;
  /** A dark shade (text on it keeps 4.5:1, WCAG 2.1 AA); teal.9 by default. */
  color?: MantineColor;
  size?: MantineSize;
  /** Other actions, between the two. */
  children?: ReactNode;
}

/** A care form's buttons: leaving it (Escape) and saving it (Ctrl+Enter), their keys shown. */
export function FormActions({
  onCancel,
  onSubmit,
  saving,
  submitLabel,
  submitTestId,
  cancelLabel,
  color,
  size = 'sm',
  children,
}: FormActionsProps) {
  const { t } = useTranslation();
  return (
    <Group justify="flex-end" gap="sm">
      <Button
        variant="default"
        size={size}
        onClick={onCancel}
        rightSection={<Kbd size="xs">{t('care.keys.escape')}</Kbd>}
      >
        {cancelLabel ?? t('care.actions.cancel')}
      </Button>
      {children}
      <Button
        size={size}
        color={color ?? 'teal.9'}
        onClick={onSubmit}
        loading={saving}
        rightSection={<Kbd size="xs">{t('care.keys.ctrlEnter')}</Kbd>}
        data-testid={submitTestId}
      >
        {submitLabel}
      </Button>
    </Group>
  );
}
