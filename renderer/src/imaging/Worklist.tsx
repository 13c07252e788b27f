import { Button, Kbd, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconEye, IconSearch } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { WorklistStudy } from '../../../main/contract/imaging-types';
import { useConfig } from '../app/config-context';
import { CareDates } from '../care/CareDates';
import { StudyTableHead } from './StudyTableHead';
import { ModalityBadges } from './ModalityBadges';
import { DateRangeInputs } from './DateRangeInputs';
import { DicomPatientName } from './DicomPatientName';
import { fold, studyDay, studySearchText, studySize } from './imaging-format';
import { LinkBadge } from './LinkBadge';
import { ReportStatusBadge } from './ReportStatusBadge';

export interface WorklistProps {
  studies: WorklistStudy[];
  active: boolean;
  onOpen(study: WorklistStudy): void;
}

interface Filters {
  text: string;
  from: string | null;
  to: string | null;
  modality: string | null;
}

export function filterStudies(studies: WorklistStudy[], filters: Filters): WorklistStudy[] {
  const words = fold(filters.text).split(/\s+/).filter(Boolean);
  return studies.filter((study) => {
    if (filters.modality && !study.modalities.includes(filters.modality)) return false;
    if (filters.from && (!study.studyDate || study.studyDate < filters.from)) return false;
    if (filters.to && (!study.studyDate || study.studyDate > filters.to)) return false;
    if (words.length === 0) return true;
    const text = studySearchText(study);
    return words.every((word) => text.includes(word));
  });
}

/**
 * The cached studies, most recent first: filtered by text (name in either script, patient ID,
 * accession number, description), date range and modality. ↑ ↓ from the filter field choose a
 * study, Enter opens it; each row has its own Open button for the Tab key and the mouse.
 */
export function Worklist({ studies, active, onOpen }: WorklistProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const [filters, setFilters] = useState<Filters>({ text: '', from: null, to: null, modality: null });
  const [selected, setSelected] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const shown = useMemo(() => filterStudies(studies, filters), [studies, filters]);
  const modalities = useMemo(
    () => [...new Set(studies.flatMap((study) => study.modalities))].sort(),
    [studies],
  );
  const current = Math.min(selected, Math.max(shown.length - 1, 0));

  useEffect(() => {
    if (active) input.current?.focus();
  }, [active]);

  const change = (patch: Partial<Filters>) => {
    setFilters((previous) => ({ ...previous, ...patch }));
    setSelected(0);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setSelected(Math.min(current + 1, Math.max(shown.length - 1, 0)));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setSelected(Math.max(current - 1, 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const study = shown[current];
      if (study) onOpen(study);
    }
  };

  useEffect(() => {
    document
      .querySelector(`[data-testid="worklist"] tr[data-index="${current}"]`)
      ?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  return (
    <Stack gap="sm" data-testid="worklist-panel">
      <CareDates>
        <SimpleGrid cols={{ base: 1, md: 4 }} spacing="sm">
          <TextInput
            ref={input}
            label={t('imagingScreens.worklist.filter')}
            placeholder={t('imagingScreens.worklist.filterPlaceholder')}
            leftSection={<IconSearch size={16} aria-hidden />}
            rightSection={<Kbd size="xs">{t('imagingScreens.keys.enter')}</Kbd>}
            rightSectionWidth={56}
            value={filters.text}
            onChange={(event) => change({ text: event.currentTarget.value })}
            onKeyDown={onKeyDown}
            aria-describedby="worklist-keys"
            aria-controls="worklist-table"
            data-testid="worklist-filter"
          />
          <DateRangeInputs
            labels={{ from: t('imagingScreens.worklist.from'), to: t('imagingScreens.worklist.to') }}
            value={filters}
            onChange={change}
            testId="worklist"
          />
          <Select
            label={t('imagingScreens.worklist.modality')}
            placeholder={t('imagingScreens.worklist.anyModality')}
            data={modalities}
            value={filters.modality}
            onChange={(value) => change({ modality: value })}
            clearable
            data-testid="worklist-modality"
          />
        </SimpleGrid>
      </CareDates>
      <Text id="worklist-keys" size="xs" c="gray.7">
        {t('imagingScreens.worklist.keys')}
      </Text>
      {studies.length === 0 ? (
        <Text c="gray.7" data-testid="worklist-empty">
          {t('imagingScreens.worklist.empty')}
        </Text>
      ) : shown.length === 0 ? (
        <Text c="gray.7" data-testid="worklist-none">
          {t('imagingScreens.worklist.noneMatch')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={900} maxHeight="calc(100dvh - 330px)">
          <Table
            id="worklist-table"
            verticalSpacing="xs"
            highlightOnHover
            stickyHeader
            aria-label={t('imagingScreens.worklist.label')}
            data-testid="worklist"
          >
            <StudyTableHead
              columns={[
                'patient',
                'record',
                'date',
                'modality',
                'description',
                'instances',
                'size',
                'report',
              ]}
            />
            <Table.Tbody>
              {shown.map((study, index) => (
                <Table.Tr
                  key={study.studyInstanceUid}
                  data-index={index}
                  data-study-uid={study.studyInstanceUid}
                  data-selected={index === current || undefined}
                  aria-selected={index === current}
                  className="tabib-worklist-row"
                  onClick={() => setSelected(index)}
                  onDoubleClick={() => onOpen(study)}
                >
                  <Table.Td>
                    <DicomPatientName name={study.patientName} text={study.patientNameText} />
                    <Text size="xs" c="gray.7" dir="ltr" className="tabib-inline-ltr">
                      {study.dicomPatientId}
                    </Text>
                  </Table.Td>
                  <Table.Td className="tabib-nowrap">
                    <LinkBadge link={study.patientLink} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{studyDay(study.studyDate, config.language, config.country)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <ModalityBadges modalities={study.modalities} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" dir="auto">
                      {study.description}
                    </Text>
                    {study.accessionNumber && (
                      <Text size="xs" c="gray.7">
                        {t('imagingScreens.worklist.accession', { number: study.accessionNumber })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {t('imagingScreens.worklist.counts', { series: study.series, count: study.instances })}
                    </Text>
                  </Table.Td>
                  <Table.Td className="tabib-nowrap">
                    <Text size="sm">{studySize(study.sizeBytes, config.language, config.country)}</Text>
                  </Table.Td>
                  <Table.Td className="tabib-nowrap" data-testid="worklist-report">
                    <ReportStatusBadge status={study.report?.status ?? null} />
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant={index === current ? 'filled' : 'outline'}
                      color="teal.9"
                      leftSection={<IconEye size={14} aria-hidden />}
                      onClick={() => onOpen(study)}
                      data-testid="worklist-open"
                    >
                      {t('imagingScreens.worklist.open')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
