/**
 * The DICOM tag browser: every element of the image in the active viewport (sequences opened),
 * searchable by tag, name or value.
 */
import { Drawer, ScrollArea, Table, Text, TextInput } from '@mantine/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { filterTagRows, tagRows } from './dicom-tags';
import { parseTabibImageId } from './image-ids';

export function TagBrowser({
  opened,
  onClose,
  imageId,
}: {
  opened: boolean;
  onClose(): void;
  imageId: string | null;
}) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const rows = useMemo(() => {
    if (!opened || !imageId) return [];
    const ref = parseTabibImageId(imageId);
    const dataSet = ref ? dicomImageLoader.wadouri.dataSetCacheManager.get(ref.sopInstanceUid) : undefined;
    return dataSet ? tagRows(dataSet) : [];
  }, [opened, imageId]);
  const shown = filterTagRows(rows, query);
  return (
    <Drawer
      opened={opened}
      onClose={onClose}
      position="right"
      size="xl"
      title={t('viewer.tags.title')}
      closeButtonProps={{ 'aria-label': t('viewer.tags.close') }}
      data-testid="viewer-tag-browser"
    >
      <TextInput
        label={t('viewer.tags.search')}
        value={query}
        onChange={(event) => setQuery(event.currentTarget.value)}
        mb="sm"
        data-autofocus
        data-testid="viewer-tag-search"
      />
      {rows.length === 0 ? (
        <Text size="sm">{t('viewer.tags.none')}</Text>
      ) : (
        <ScrollArea.Autosize mah="calc(100vh - 160px)">
          <Table striped stickyHeader fz="xs" dir="ltr" data-testid="viewer-tag-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('viewer.tags.tag')}</Table.Th>
                <Table.Th>{t('viewer.tags.name')}</Table.Th>
                <Table.Th>{t('viewer.tags.vr')}</Table.Th>
                <Table.Th>{t('viewer.tags.value')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((row, index) => (
                <Table.Tr key={`${row.tag}-${index}`}>
                  <Table.Td style={{ paddingInlineStart: 8 + row.depth * 16, fontFamily: 'monospace' }}>
                    {row.tag}
                  </Table.Td>
                  <Table.Td>{row.name}</Table.Td>
                  <Table.Td>{row.vr}</Table.Td>
                  <Table.Td dir="auto" style={{ wordBreak: 'break-all' }}>
                    {row.value}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      )}
    </Drawer>
  );
}
