import { Badge, Button, Group, Kbd, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconEye, IconPaperclip } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentView } from '../../../main/contract/care-types';
import { useConfig } from '../app/config-context';
import { useChartEscape } from '../chart/chart-escape';
import type { ChartTabProps } from '../chart/chart-tab';
import { ErrorAlert } from '../errors/ErrorAlert';
import { formatBytes } from '../i18n/format';
import { formatDay } from './care-format';
import { invoke } from '../tabib-client';
import { DocumentAttachForm } from './DocumentAttachForm';
import { DocumentViewer } from './DocumentViewer';
import './care.css';
import { useLoaded } from './use-loaded';

const kindOf = (contentType: string | null) =>
  contentType === 'application/pdf'
    ? 'PDF'
    : contentType === 'image/jpeg'
      ? 'JPEG'
      : contentType === 'image/png'
        ? 'PNG'
        : null;

/**
 * The chart's attached documents (letters, scanned reports, photographs): the list, newest first;
 * attaching one (N, or a file dropped on the zone); viewing one (an audited read).
 */
export function DocumentsTab({ patientId, active, onChanged }: ChartTabProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const load = useCallback(() => invoke('documents.list', { patientId }), [patientId]);
  const { state, reload } = useLoaded(load, active);
  const [attaching, setAttaching] = useState(false);
  const [viewing, setViewing] = useState<DocumentView | null>(null);
  const [attached, setAttached] = useState<string | null>(null);

  useHotkeys(
    active && !attaching && !viewing ? [['n', () => setAttaching(true), { usePhysicalKeys: true }]] : [],
  );
  // Escape closes the viewer, then the form, before it closes the chart.
  useChartEscape(active && (attaching || viewing !== null), () => {
    if (viewing) setViewing(null);
    else setAttaching(false);
    return true;
  });

  if (state.status === 'loading') return <Loader aria-label={t('care.loading')} />;
  if (state.status === 'error') return <ErrorAlert error={state.error} onRetry={reload} />;
  const { documents, today } = state.value;

  const category = (document: DocumentView) =>
    document.category ? t(`care.documents.categories.${document.category}`) : (document.categoryText ?? '');

  return (
    <Stack data-testid="documents-tab">
      <Group justify="space-between">
        <Title order={3}>{t('care.documents.title')}</Title>
        {!attaching && (
          <Button
            color="teal.9"
            leftSection={<IconPaperclip size={16} />}
            rightSection={<Kbd size="xs">N</Kbd>}
            onClick={() => setAttaching(true)}
            data-testid="document-new"
          >
            {t('care.documents.attachNew')}
          </Button>
        )}
      </Group>
      {attaching && (
        <DocumentAttachForm
          patientId={patientId}
          today={today}
          onCancel={() => setAttaching(false)}
          onAttached={(document) => {
            setAttaching(false);
            setAttached(document.id);
            reload();
            onChanged();
          }}
        />
      )}
      {documents.length === 0 ? (
        <Text c="gray.7" data-testid="documents-empty">
          {t('care.documents.empty')}
        </Text>
      ) : (
        <Table verticalSpacing="sm" data-testid="documents-list">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('care.documents.column.date')}</Table.Th>
              <Table.Th>{t('care.documents.column.title')}</Table.Th>
              <Table.Th>{t('care.documents.column.category')}</Table.Th>
              <Table.Th>{t('care.documents.column.file')}</Table.Th>
              <Table.Th>{t('care.documents.column.author')}</Table.Th>
              <Table.Th>{t('care.documents.column.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {documents.map((document) => (
              <Table.Tr
                key={document.id}
                data-document-id={document.id}
                data-attached={attached === document.id || undefined}
              >
                <Table.Td>
                  {document.date ? formatDay(document.date, config.language, config.country, 'date') : ''}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {document.title}
                  </Text>
                </Table.Td>
                <Table.Td>{category(document)}</Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    {kindOf(document.contentType) && (
                      <Badge color="teal.9" variant="outline" size="sm">
                        {kindOf(document.contentType)}
                      </Badge>
                    )}
                    {document.size !== null && (
                      <Text size="xs" c="gray.7">
                        {formatBytes(document.size, config.language, config.country)}
                      </Text>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{document.author ?? ''}</Text>
                </Table.Td>
                <Table.Td>
                  {document.hasContent && kindOf(document.contentType) ? (
                    <Button
                      color="teal.9"
                      size="xs"
                      variant="outline"
                      leftSection={<IconEye size={14} />}
                      onClick={() => setViewing(document)}
                      data-testid="document-view"
                    >
                      {t('care.documents.view')}
                    </Button>
                  ) : (
                    <Text size="xs" c="gray.7">
                      {t('care.documents.notViewable')}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {viewing && (
        <DocumentViewer document={viewing} onClose={() => setViewing(null)} closeOnEscape={false} />
      )}
    </Stack>
  );
}
