import { Badge, Group } from '@mantine/core';

/** A study's modalities (CT, MR, DX, …), as the worklist, the PACS results and the chart show them. */
export function ModalityBadges({ modalities }: { modalities: readonly string[] }) {
  return (
    <Group gap={4}>
      {modalities.map((modality) => (
        <Badge key={modality} variant="outline" color="indigo.9" size="sm" radius="sm">
          {modality}
        </Badge>
      ))}
    </Group>
  );
}
