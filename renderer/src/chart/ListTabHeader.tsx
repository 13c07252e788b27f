import { Button, Group, Kbd, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';

/**
 * A list tab's title and its "new" button, reached with N (read by its position: the same key on
 * AZERTY, QWERTY and an Arabic layout) while the tab is shown and nothing is being written.
 */
export function ListTabHeader({
  title,
  newLabel,
  active,
  canAdd,
  onNew,
  testId,
}: {
  title: string;
  newLabel: string;
  active: boolean;
  /** The practitioner may add, and no form is open. */
  canAdd: boolean;
  onNew(): void;
  testId: string;
}) {
  useHotkeys(active && canAdd ? [['n', onNew, { usePhysicalKeys: true }]] : []);
  return (
    <Group justify="space-between">
      <Title order={3}>{title}</Title>
      {canAdd && (
        <Button
          leftSection={<IconPlus size={16} aria-hidden />}
          rightSection={<Kbd size="xs">N</Kbd>}
          aria-keyshortcuts="N"
          onClick={onNew}
          data-testid={testId}
        >
          {newLabel}
        </Button>
      )}
    </Group>
  );
}
