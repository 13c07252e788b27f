import {
  Alert,
  Button,
  Code,
  Group,
  Loader,
  Paper,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { IconCloudDownload, IconEye, IconSearch, IconServerOff } from '@tabler/icons-react';
import { useCallback, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallArgs } from '../../../main/contract/contract';
import type { ImportReport, PacsStudy } from '../../../main/contract/imaging-types';
import { useConfig } from '../app/config-context';
import { CareDates } from '../care/CareDates';
import { useLoaded } from '../care/use-loaded';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke, subscribe } from '../tabib-client';
import { StudyTableHead } from './StudyTableHead';
import { ModalityBadges } from './ModalityBadges';
import { DateRangeInputs } from './DateRangeInputs';
import { DicomPatientName } from './DicomPatientName';
import { searchModalities, studyDay } from './imaging-format';
import { PatientLinkPanel } from './PatientLinkPanel';

export interface PacsPanelProps {
  active: boolean;
  /** The studies already in the cache (opened instead of retrieved again). */
  cached: ReadonlySet<string>;
  onRetrieved(): void;
  onOpen(studyInstanceUid: string): void;
}

interface Query {
  patientId: string;
  patientName: string;
  dateFrom: string | null;
  dateTo: string | null;
  modality: string | null;
  accessionNumber: string;
}

const emptyQuery: Query = {
  patientId: '',
  patientName: '',
  dateFrom: null,
  dateTo: null,
  modality: null,
  accessionNumber: '',
};

type Search =
  | { status: 'idle' }
  | { status: 'searching' }
  | { status: 'done'; studies: PacsStudy[] }
  | { status: 'error'; error: unknown };

type Retrieval =
  | { status: 'running'; uid: string; done: number; total: number }
  | { status: 'done'; uid: string; report: ImportReport; linkSettled: boolean }
  | { status: 'error'; uid: string; error: unknown };

function searchArgs(query: Query): CallArgs<'imaging.pacsSearch'> {
  return {
    limit: 50,
    ...(query.patientId.trim() ? { patientId: query.patientId.trim() } : {}),
    ...(query.patientName.trim() ? { patientName: query.patientName.trim() } : {}),
    ...(query.dateFrom ? { dateFrom: query.dateFrom } : {}),
    ...(query.dateTo ? { dateTo: query.dateTo } : {}),
    ...(query.modality ? { modality: query.modality } : {}),
    ...(query.accessionNumber.trim() ? { accessionNumber: query.accessionNumber.trim() } : {}),
  };
}

/**
 * The regional PACS over DICOMweb: search its studies (QIDO-RS) by patient, dates, modality or
 * accession number, and retrieve one (WADO-RS) into the encrypted cache with a progress bar; then
 * open it, after confirming its patient where its identifiers named nobody. Where no PACS is
 * configured, the screen says what the administrator has to do.
 */
export function PacsPanel({ active, cached, onRetrieved, onOpen }: PacsPanelProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const loadStatus = useCallback(() => invoke('imaging.pacsStatus', {}), []);
  const { state: status, reload: reloadStatus } = useLoaded(loadStatus, active);
  const [query, setQuery] = useState<Query>(emptyQuery);
  const [search, setSearch] = useState<Search>({ status: 'idle' });
  const [retrieval, setRetrieval] = useState<Retrieval | null>(null);

  if (status.status === 'loading') return <Loader aria-label={t('imagingScreens.loading')} />;
  if (status.status === 'error') return <ErrorAlert error={status.error} onRetry={reloadStatus} />;
  if (!status.value.configured)
    return (
      <Alert
        color="gray"
        variant="light"
        icon={<IconServerOff />}
        title={t('imagingScreens.pacs.notConfiguredTitle')}
        data-testid="pacs-not-configured"
      >
        <Stack gap="xs">
          <Text size="sm">{t('imagingScreens.pacs.notConfigured')}</Text>
          <Text size="sm">{t('imagingScreens.pacs.administratorSteps')}</Text>
          <Code block dir="ltr">
            {'{ "pacs": { "baseUrl": "https://…/dicom-web", "auth": { "type": "basic", "username": "…" }, "stowEnabled": false } }\n' +
              'tabib imaging pacs-secret'}
          </Code>
        </Stack>
      </Alert>
    );

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    setSearch({ status: 'searching' });
    try {
      setSearch({ status: 'done', studies: await invoke('imaging.pacsSearch', searchArgs(query)) });
    } catch (error) {
      setSearch({ status: 'error', error });
    }
  };

  const retrieve = async (study: PacsStudy) => {
    if (retrieval?.status === 'running') return;
    const uid = study.studyInstanceUid;
    setRetrieval({ status: 'running', uid, done: 0, total: study.instances ?? 0 });
    const unsubscribe = subscribe('imaging.importProgress', (progress) =>
      setRetrieval((state) =>
        state?.status === 'running' && state.uid === uid
          ? { ...state, done: progress.done, total: progress.total }
          : state,
      ),
    );
    try {
      const report = await invoke('imaging.pacsRetrieve', { studyInstanceUid: uid });
      setRetrieval({ status: 'done', uid, report, linkSettled: false });
      onRetrieved();
    } catch (error) {
      setRetrieval({ status: 'error', uid, error });
    } finally {
      unsubscribe();
    }
  };

  const change = (patch: Partial<Query>) => setQuery((previous) => ({ ...previous, ...patch }));
  const running = retrieval?.status === 'running';

  return (
    <Stack gap="md" data-testid="pacs-panel">
      <Text size="sm" c="gray.7" data-testid="pacs-name">
        {t('imagingScreens.pacs.connected', { name: status.value.name ?? '' })}
      </Text>
      <Paper
        withBorder
        radius="md"
        p="md"
        component="form"
        onSubmit={(event) => void submit(event)}
        data-testid="pacs-form"
      >
        <CareDates>
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              <TextInput
                label={t('imagingScreens.pacs.patientId')}
                value={query.patientId}
                onChange={(event) => change({ patientId: event.currentTarget.value })}
                maxLength={64}
                data-testid="pacs-patient-id"
              />
              <TextInput
                label={t('imagingScreens.pacs.patientName')}
                placeholder={t('imagingScreens.pacs.patientNameHint')}
                value={query.patientName}
                onChange={(event) => change({ patientName: event.currentTarget.value })}
                maxLength={64}
                data-testid="pacs-patient-name"
              />
              <TextInput
                label={t('imagingScreens.pacs.accession')}
                value={query.accessionNumber}
                onChange={(event) => change({ accessionNumber: event.currentTarget.value })}
                maxLength={16}
                data-testid="pacs-accession"
              />
              <DateRangeInputs
                labels={{ from: t('imagingScreens.pacs.dateFrom'), to: t('imagingScreens.pacs.dateTo') }}
                value={{ from: query.dateFrom, to: query.dateTo }}
                onChange={(range) =>
                  change({
                    ...('from' in range ? { dateFrom: range.from } : {}),
                    ...('to' in range ? { dateTo: range.to } : {}),
                  })
                }
                testId="pacs-date"
              />
              <Select
                label={t('imagingScreens.pacs.modality')}
                placeholder={t('imagingScreens.worklist.anyModality')}
                data={[...searchModalities]}
                value={query.modality}
                onChange={(value) => change({ modality: value })}
                clearable
                data-testid="pacs-modality"
              />
            </SimpleGrid>
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={() => setQuery(emptyQuery)}>
                {t('imagingScreens.pacs.clear')}
              </Button>
              <Button
                type="submit"
                color="teal.9"
                leftSection={<IconSearch size={16} aria-hidden />}
                loading={search.status === 'searching'}
                data-testid="pacs-search"
              >
                {t('imagingScreens.pacs.search')}
              </Button>
            </Group>
          </Stack>
        </CareDates>
      </Paper>

      {search.status === 'error' && (
        <ErrorAlert error={search.error} onRetry={() => void submit()} testId="pacs-error" />
      )}

      {retrieval && (
        <RetrievalState
          retrieval={retrieval}
          onOpen={onOpen}
          onLinked={() => {
            setRetrieval((state) => (state?.status === 'done' ? { ...state, linkSettled: true } : state));
            onRetrieved();
          }}
          onLeave={() =>
            setRetrieval((state) => (state?.status === 'done' ? { ...state, linkSettled: true } : state))
          }
        />
      )}

      {search.status === 'done' &&
        (search.studies.length === 0 ? (
          <Text c="gray.7" data-testid="pacs-none">
            {t('imagingScreens.pacs.none')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table
              verticalSpacing="xs"
              aria-label={t('imagingScreens.pacs.results')}
              data-testid="pacs-results"
            >
              <StudyTableHead columns={['patient', 'date', 'modality', 'description', 'instances']} />
              <Table.Tbody>
                {search.studies.map((study) => {
                  const inCache = cached.has(study.studyInstanceUid);
                  return (
                    <Table.Tr key={study.studyInstanceUid} data-study-uid={study.studyInstanceUid}>
                      <Table.Td>
                        <DicomPatientName name={study.patientName} text={study.patientNameText} />
                        <Text size="xs" c="gray.7" dir="ltr" className="tabib-inline-ltr">
                          {study.dicomPatientId}
                        </Text>
                      </Table.Td>
                      <Table.Td>{studyDay(study.studyDate, config.language, config.country)}</Table.Td>
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
                        {study.instances !== null
                          ? t('imagingScreens.worklist.counts', {
                              series: study.series ?? 0,
                              count: study.instances,
                            })
                          : ''}
                      </Table.Td>
                      <Table.Td>
                        {inCache ? (
                          <Button
                            size="xs"
                            variant="outline"
                            color="teal.9"
                            leftSection={<IconEye size={14} aria-hidden />}
                            onClick={() => onOpen(study.studyInstanceUid)}
                            data-testid="pacs-open"
                          >
                            {t('imagingScreens.pacs.inCacheOpen')}
                          </Button>
                        ) : (
                          <Button
                            size="xs"
                            color="teal.9"
                            leftSection={<IconCloudDownload size={14} aria-hidden />}
                            loading={running && retrieval.uid === study.studyInstanceUid}
                            disabled={running}
                            onClick={() => void retrieve(study)}
                            data-testid="pacs-retrieve"
                          >
                            {t('imagingScreens.pacs.retrieve')}
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ))}
    </Stack>
  );
}

function RetrievalState({
  retrieval,
  onOpen,
  onLinked,
  onLeave,
}: {
  retrieval: Retrieval;
  onOpen(studyInstanceUid: string): void;
  onLinked(): void;
  onLeave(): void;
}) {
  const { t } = useTranslation();
  if (retrieval.status === 'error')
    return <ErrorAlert error={retrieval.error} testId="pacs-retrieve-error" />;
  if (retrieval.status === 'running') {
    const percent = retrieval.total > 0 ? Math.round((retrieval.done / retrieval.total) * 100) : 0;
    return (
      <Paper withBorder radius="md" p="md" data-testid="pacs-progress" aria-live="polite">
        <Stack gap="xs">
          <Text fw={600}>
            {retrieval.total > 0
              ? t('imagingScreens.pacs.retrieving', { done: retrieval.done, total: retrieval.total })
              : t('imagingScreens.pacs.retrievingStart')}
          </Text>
          <Progress.Root size="lg">
            <Progress.Section
              value={percent}
              color="teal.9"
              aria-label={t('imagingScreens.pacs.progressLabel')}
            />
          </Progress.Root>
        </Stack>
      </Paper>
    );
  }
  const { report } = retrieval;
  const study = report.studies.find((entry) => entry.studyInstanceUid === retrieval.uid) ?? report.studies[0];
  const needsLink =
    study && (study.match.kind === 'candidates' || study.match.kind === 'none') && !retrieval.linkSettled;
  return (
    <Stack gap="sm" data-testid="pacs-retrieved">
      <Alert
        color={report.errors > 0 ? 'orange' : 'teal'}
        variant="light"
        title={t('imagingScreens.pacs.retrieved')}
      >
        <Stack gap="xs">
          <Text size="sm">
            {t('imagingScreens.import.imported', { count: report.imported })} ·{' '}
            {t('imagingScreens.import.duplicates', { count: report.duplicates })} ·{' '}
            {t('imagingScreens.import.errors', { count: report.errors })}
          </Text>
          {report.stoppedBy && <Text size="sm">{t(`errors.${report.stoppedBy.code}`)}</Text>}
          <Button
            size="xs"
            w="fit-content"
            color="teal.9"
            leftSection={<IconEye size={14} aria-hidden />}
            onClick={() => onOpen(retrieval.uid)}
            data-testid="pacs-retrieved-open"
          >
            {t('imagingScreens.worklist.open')}
          </Button>
        </Stack>
      </Alert>
      {needsLink && (
        <PatientLinkPanel study={study} match={study.match} onLinked={onLinked} onLeave={onLeave} />
      )}
    </Stack>
  );
}
