import { Button, Group, Kbd } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A chart form's two actions with their keys: save (Ctrl+S) and cancel (Esc). */
export function FormActions({
  saveLabel,
  saving,
  onSave,
  onCancel,
  testId,
}: {
  saveLabel: string;
  saving: boolean;
  onSave(): void;
  onCancel(): void;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Group>
      <Button
        onClick={onSave}
        loading={saving}
        rightSection={<Kbd size="xs">{t('chart.keys.save')}</Kbd>}
        aria-keyshortcuts="Control+S"
        data-testid={testId}
      >
        {saveLabel}
      </Button>
      <Button
        variant="default"
        onClick={onCancel}
        rightSection={<Kbd size="xs">{t('chart.keys.escape')}</Kbd>}
      >
        {t('chart.cancel')}
      </Button>
    </Group>
  );
}
