import { Table, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export type StudyColumn =
  'patient' | 'record' | 'date' | 'modality' | 'description' | 'instances' | 'size' | 'report';

/** The head of a table of studies (worklist, PACS results, the chart's tab): its columns, then the actions'. */
export function StudyTableHead({ columns }: { columns: readonly StudyColumn[] }) {
  const { t } = useTranslation();
  return (
    <Table.Thead>
      <Table.Tr>
        {columns.map((column) => (
          <Table.Th key={column}>{t(`imagingScreens.column.${column}`)}</Table.Th>
        ))}
        <Table.Th>
          <VisuallyHidden>{t('imagingScreens.column.actions')}</VisuallyHidden>
        </Table.Th>
      </Table.Tr>
    </Table.Thead>
  );
}
