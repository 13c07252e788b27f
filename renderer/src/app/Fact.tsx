import { Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** One labelled fact of a header (a chart's, an identity card's): the label small and above. */
export function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Stack gap={2} data-testid={testId}>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}
