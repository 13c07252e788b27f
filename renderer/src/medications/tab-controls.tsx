/**
 * What the medication tabs share: their header (title, and the main action with its key), a
 * form's panel (Ctrl+Enter saves), its submission (tried once, busy while the services work, the
 * error they answered) and the two buttons that end it, with their keys shown.
 */
import { Button, Group, Kbd, Paper, Stack, Title } from '@mantine/core';
import type { Icon } from '@tabler/icons-react';
import { getHotkeyHandler } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function useSubmission() {
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  /** Marks the form tried; when valid, runs the call and hands its answer on, or keeps its error. */
  async function submit<T>(valid: boolean, call: () => Promise<T>, done: (value: T) => void): Promise<void> {
    setTried(true);
    if (!valid || busy) return;
    setBusy(true);
    setError(null);
    try {
      done(await call());
    } catch (caught) {
      setError(caught);
    }
    setBusy(false);
  }
  return { tried, busy, error, submit };
}

interface FormActionsProps {
  onCancel: () => void;
  onSave: () => void;
  busy: boolean;
  saveLabel: string;
  saveTestId: string;
}

/** Cancel (Escape, taken by the chart) and save (Ctrl+Enter, the form's own key handler). */
export function FormActions({ onCancel, onSave, busy, saveLabel, saveTestId }: FormActionsProps) {
  const { t } = useTranslation();
  return (
    <Group justify="flex-end">
      <Button
        variant="default"
        onClick={onCancel}
        rightSection={<Kbd size="xs">{t('medication.keys.escape')}</Kbd>}
      >
        {t('medication.editor.cancel')}
      </Button>
      <Button
        color="teal.9"
        onClick={onSave}
        loading={busy}
        rightSection={<Kbd size="xs">{t('medication.keys.ctrlEnter')}</Kbd>}
        data-testid={saveTestId}
      >
        {saveLabel}
      </Button>
    </Group>
  );
}

/**
 * An alert's title in black: Mantine's light alerts write it in the colour's 6th shade, below WCAG
 * AA contrast on their tint; the colour stays in the background and the icon.
 */
export const readableTitle = { title: { color: 'var(--mantine-color-black)' } };

interface FormShellProps {
  title: string;
  /** Ctrl+Enter anywhere in the form. */
  onSave: () => void;
  testId: string;
  children: ReactNode;
}

/** A form of a tab: a bordered panel with its title, where Ctrl+Enter saves. */
export function FormShell({ title, onSave, testId, children }: FormShellProps) {
  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      onKeyDown={getHotkeyHandler([['mod+Enter', onSave]])}
      data-testid={testId}
    >
      <Stack gap="sm">
        <Title order={4}>{title}</Title>
        {children}
      </Stack>
    </Paper>
  );
}

interface TabHeaderProps {
  title: string;
  subtitle?: ReactNode;
  /** The tab's main action, reached by its key; null where the role may not (or a form is open). */
  action: { label: string; shortcut: string; icon: Icon; onClick: () => void; testId: string } | null;
}

export function TabHeader({ title, subtitle, action }: TabHeaderProps) {
  return (
    <Group justify="space-between" align="flex-start">
      <Stack gap={4}>
        <Title order={3}>{title}</Title>
        {subtitle}
      </Stack>
      {action && (
        <Button
          color="teal.9"
          leftSection={<action.icon size={18} />}
          rightSection={<Kbd size="xs">{action.shortcut}</Kbd>}
          onClick={action.onClick}
          data-testid={action.testId}
        >
          {action.label}
        </Button>
      )}
    </Group>
  );
}
