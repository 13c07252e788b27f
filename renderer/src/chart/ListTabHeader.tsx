import { Button, Group, Kbd, Title } from '@mantine/core';
import { getHotkeyHandler } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useLayoutEffect, useRef } from 'react';

/**
 * N while `enabled`, outside text fields. Listened for from the commit that shows the button (a
 * layout effect), not after the paint as Mantine's useHotkeys does: an N pressed as soon as the
 * button appears is not lost.
 */
function useNewKey(enabled: boolean, onNew: () => void): void {
  const latest = useRef(onNew);
  useLayoutEffect(() => {
    latest.current = onNew;
  });
  useLayoutEffect(() => {
    if (!enabled) return;
    const handle = getHotkeyHandler([['n', () => latest.current(), { usePhysicalKeys: true }]]);
    const listener = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable)) return;
      handle(event);
    };
    document.documentElement.addEventListener('keydown', listener);
    return () => document.documentElement.removeEventListener('keydown', listener);
  }, [enabled]);
}

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
  useNewKey(active && canAdd, onNew);
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
