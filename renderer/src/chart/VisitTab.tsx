import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  Kbd,
  Loader,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconArrowUp, IconCheck, IconDeviceFloppy, IconPlayerPlay, IconTrash } from '@tabler/icons-react';
import { memo, useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { Icd10Hit, VisitNote, VisitView, VitalReading } from '../../../main/contract/chart-types';
import type { ChartConcept } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { useCan } from '../auth/session-context';
import { errorCodeOf, ErrorAlert } from '../errors/ErrorAlert';
import { PrintButton } from '../print/PrintButton';
import { invoke } from '../tabib-client';
import { conceptText, formatShortDateTime, inVitalOrder, readingText } from './chart-format';
import { useChartEscape } from './chart-escape';
import type { ChartTabProps } from './chart-tab';
import { NoteEditor } from './NoteEditor';
import { Icd10Search } from './TerminologySearch';
import { VitalsForm } from './VitalsForm';

export interface VisitTabProps extends ChartTabProps {
  /** The visit to show: one opened from the timeline, or the patient's visit in progress; null: none. */
  visitId: string | null;
  /** A visit was started or opened here: the chart shows it from now on. */
  onVisit(encounterId: string): void;
}

interface Diagnosis {
  code: string;
  concept: ChartConcept;
}

type Loading =
  | { status: 'none' }
  | { status: 'loading' }
  | { status: 'ready'; visit: VisitView }
  | { status: 'error'; error: unknown };

const diagnosesOf = (visit: VisitView): Diagnosis[] =>
  visit.diagnoses.flatMap((diagnosis) =>
    diagnosis.concept.code ? [{ code: diagnosis.concept.code, concept: diagnosis.concept }] : [],
  );

/**
 * The visit being documented: the note in five sections, the ICD-10 diagnoses (the first is the
 * main one), the vital signs taken. Ctrl+S saves, Ctrl+Shift+S saves and finishes the visit, Esc
 * discards what was not saved (after asking). A saved visit prints as a visit summary.
 */
export function VisitTab({ patientId, active, onChanged, visitId, onVisit }: VisitTabProps) {
  const { t } = useTranslation();
  const [state, setState] = useState<Loading>(visitId ? { status: 'loading' } : { status: 'none' });
  const [loadedId, setLoadedId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<unknown>(null);

  // Load the visit asked for, once this tab has been shown.
  const [wanted, setWanted] = useState(active);
  if (active && !wanted) setWanted(true);
  if (wanted && visitId !== loadedId) {
    setLoadedId(visitId);
    setState(visitId ? { status: 'loading' } : { status: 'none' });
  }
  useEffect(() => {
    if (!wanted || !loadedId) return;
    let current = true;
    invoke('chart.visit', { encounterId: loadedId }).then(
      (visit) => current && setState({ status: 'ready', visit }),
      (error: unknown) => current && setState({ status: 'error', error }),
    );
    return () => {
      current = false;
    };
  }, [wanted, loadedId]);

  const start = useCallback(async () => {
    setStarting(true);
    setStartError(null);
    try {
      const started = await invoke('chart.startVisit', { patientId });
      setLoadedId(started.visit.encounterId);
      setState({ status: 'ready', visit: started.visit });
      onVisit(started.visit.encounterId);
      onChanged();
    } catch (error) {
      setStartError(error);
    } finally {
      setStarting(false);
    }
  }, [patientId, onVisit, onChanged]);

  const can = useCan();
  const writable = can('chart.document');
  useHotkeys(active && writable && state.status === 'none' ? [['mod+Enter', () => void start()]] : [], []);

  if (state.status === 'loading') return <Loader aria-label={t('chart.loading')} />;
  if (state.status === 'error')
    return <ErrorAlert error={state.error} onRetry={() => setLoadedId(null)} testId="visit-error" />;
  if (state.status === 'none')
    return (
      <Paper withBorder radius="md" p="xl" data-testid="visit-none">
        <Stack align="flex-start">
          <Text>{t('chart.visit.none')}</Text>
          {writable && (
            <Button
              leftSection={<IconPlayerPlay size={16} aria-hidden />}
              rightSection={<Kbd size="xs">{t('chart.keys.modEnter')}</Kbd>}
              aria-keyshortcuts="Control+Enter"
              loading={starting}
              onClick={() => void start()}
              data-testid="visit-start"
            >
              {t('chart.visit.start')}
            </Button>
          )}
          {startError !== null && <ErrorAlert error={startError} />}
        </Stack>
      </Paper>
    );
  return (
    <VisitEditor
      key={state.visit.encounterId}
      visit={state.visit}
      patientId={patientId}
      active={active}
      writable={writable}
      vitalsWritable={can('vitals.record')}
      onSaved={(visit) => {
        setState({ status: 'ready', visit });
        onChanged();
      }}
      onReload={() => setLoadedId(null)}
    />
  );
}

function VisitEditor({
  visit,
  patientId,
  active,
  writable,
  vitalsWritable,
  onSaved,
  onReload,
}: {
  visit: VisitView;
  patientId: string;
  active: boolean;
  /** chart.document: the note and diagnoses may be written (else read only). */
  writable: boolean;
  /** vitals.record. */
  vitalsWritable: boolean;
  onSaved(visit: VisitView): void;
  onReload(): void;
}) {
  const { t } = useTranslation();
  const { config } = useConfig();
  /** What is typed, kept outside React state (NoteEditor.tsx). */
  const note = useRef<VisitNote>({ ...visit.note });
  /** What the editor starts from; replaced, with a new generation, to start again from the saved note (Esc, after asking). */
  const [start, setStart] = useState<VisitNote>(() => ({ ...visit.note }));
  const [generation, setGeneration] = useState(0);
  const [edited, setEdited] = useState(false);
  const [diagnoses, setDiagnoses] = useState<Diagnosis[]>(() => diagnosesOf(visit));
  const [vitals, setVitals] = useState<VitalReading[]>(visit.vitals);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [discarding, setDiscarding] = useState(false);
  const searchInput = useRef<HTMLInputElement>(null);

  const markEdited = useCallback(() => {
    setEdited(true);
    setSaved(false);
  }, []);

  const changed =
    edited ||
    diagnoses.map((d) => d.code).join() !==
      diagnosesOf(visit)
        .map((d) => d.code)
        .join();

  const save = useCallback(
    async (finish: boolean) => {
      if (saving) return;
      setSaving(true);
      setError(null);
      try {
        const result = await invoke('chart.saveVisit', {
          encounterId: visit.encounterId,
          versions: visit.versions,
          note: { ...note.current },
          diagnoses: diagnoses.map((diagnosis) => diagnosis.code),
          finish,
        });
        setEdited(false);
        setSaved(true);
        setDiagnoses(diagnosesOf(result));
        onSaved(result);
      } catch (caught) {
        setError(caught);
      } finally {
        setSaving(false);
      }
    },
    [saving, visit.encounterId, visit.versions, diagnoses, onSaved],
  );

  const discard = useCallback(() => {
    note.current = { ...visit.note };
    setStart({ ...visit.note });
    setDiagnoses(diagnosesOf(visit));
    setEdited(false);
    setGeneration((value) => value + 1);
    setDiscarding(false);
  }, [visit]);

  // Ctrl+S and Ctrl+Shift+S from anywhere in the chart, typing fields included.
  useHotkeys(
    active && writable && !discarding
      ? [
          ['mod+s', () => void save(false)],
          ['mod+shift+s', () => void save(true)],
        ]
      : [],
    [],
  );

  // Escape: closes the dialog if open, else asks before discarding what was not saved.
  useChartEscape(active && (changed || discarding), () => {
    setDiscarding((open) => !open);
    return true;
  });

  const finished = visit.status === 'finished';
  const conflict = error !== null && errorCodeOf(error) === 'VERSION_CONFLICT';
  const addDiagnosis = useCallback((hit: Icd10Hit) => {
    setDiagnoses((current) =>
      current.some((diagnosis) => diagnosis.code === hit.code)
        ? current
        : [
            ...current,
            { code: hit.code, concept: { text: hit.labels.fr, code: hit.code, labels: hit.labels } },
          ],
    );
    setSaved(false);
  }, []);

  return (
    <Stack
      gap="md"
      data-testid="visit-editor"
      data-encounter-id={visit.encounterId}
      data-status={visit.status}
    >
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Group gap="sm">
            <Title order={3}>{t('chart.visit.title')}</Title>
            <Badge color={finished ? 'gray' : 'teal'} variant="light" data-testid="visit-status">
              {t(`chart.visit.status.${finished ? 'finished' : 'inProgress'}`)}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            {visit.start ? formatShortDateTime(visit.start, config.language, config.country) : ''}
            {visit.practitioner ? ` · ${visit.practitioner}` : ''}
          </Text>
        </Stack>
        <Group gap="xs">
          {visit.versions.note !== null && (
            <PrintButton kind="visitSummary" resourceId={visit.encounterId} patientId={patientId} />
          )}
          {writable && (
            <Button
              variant="light"
              leftSection={<IconDeviceFloppy size={16} aria-hidden />}
              rightSection={<Kbd size="xs">{t('chart.keys.save')}</Kbd>}
              aria-keyshortcuts="Control+S"
              loading={saving}
              onClick={() => void save(false)}
              data-testid="visit-save"
            >
              {t('chart.visit.save')}
            </Button>
          )}
          {writable && !finished && (
            <Button
              leftSection={<IconCheck size={16} aria-hidden />}
              rightSection={<Kbd size="xs">{t('chart.keys.finish')}</Kbd>}
              aria-keyshortcuts="Control+Shift+S"
              loading={saving}
              onClick={() => void save(true)}
              data-testid="visit-finish"
            >
              {t('chart.visit.finish')}
            </Button>
          )}
        </Group>
      </Group>

      <Group gap="xs" c="dimmed" data-testid="visit-state">
        {changed ? (
          <Text size="sm" c="orange.8" data-testid="visit-unsaved">
            {t('chart.visit.unsaved')} · <Kbd size="xs">{t('chart.keys.escape')}</Kbd>{' '}
            {t('chart.visit.discardHint')}
          </Text>
        ) : saved ? (
          <Text size="sm" c="teal.8" data-testid="visit-saved">
            {t('chart.visit.saved')}
          </Text>
        ) : null}
      </Group>

      {error !== null &&
        (conflict ? (
          <Alert color="orange" title={t('chart.visit.conflictTitle')} data-testid="visit-conflict">
            <Stack gap="xs">
              <Text size="sm">{t('chart.visit.conflict')}</Text>
              <Button size="xs" variant="light" color="orange" w="fit-content" onClick={onReload}>
                {t('chart.visit.reload')}
              </Button>
            </Stack>
          </Alert>
        ) : (
          <ErrorAlert error={error} testId="visit-save-error" />
        ))}

      <NoteEditor key={generation} initial={start} values={note} onEdited={markEdited} readOnly={!writable} />

      <Diagnoses
        diagnoses={diagnoses}
        onAdd={addDiagnosis}
        onChange={(next) => {
          setDiagnoses(next);
          setSaved(false);
        }}
        searchInput={searchInput}
        readOnly={!writable}
      />

      <Paper withBorder radius="md" p="md">
        <Stack gap="sm">
          <VisitVitals readings={vitals} />
          {vitalsWritable && (
            <VitalsForm
              patientId={patientId}
              encounterId={visit.encounterId}
              onRecorded={(readings) => setVitals((current) => [...current, ...readings])}
              testId="visit-vitals-form"
            />
          )}
        </Stack>
      </Paper>

      <Modal
        opened={discarding}
        onClose={() => setDiscarding(false)}
        title={t('chart.visit.discardTitle')}
        centered
        closeOnEscape={false}
        data-testid="visit-discard"
      >
        <Stack>
          <Text size="sm">{t('chart.visit.discardText')}</Text>
          <Group justify="flex-end">
            <Button
              variant="default"
              onClick={() => setDiscarding(false)}
              rightSection={<Kbd size="xs">{t('chart.keys.escape')}</Kbd>}
            >
              {t('chart.visit.keep')}
            </Button>
            <Button
              color="red"
              onClick={discard}
              data-autofocus
              data-testid="visit-discard-confirm"
              rightSection={<Kbd size="xs">{t('chart.keys.enter')}</Kbd>}
            >
              {t('chart.visit.discard')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

const Diagnoses = memo(function Diagnoses({
  diagnoses,
  onAdd,
  onChange,
  searchInput,
  readOnly,
}: {
  diagnoses: Diagnosis[];
  onAdd(hit: Icd10Hit): void;
  onChange(next: Diagnosis[]): void;
  searchInput: RefObject<HTMLInputElement | null>;
  readOnly: boolean;
}) {
  const { t } = useTranslation();
  const { config } = useConfig();
  return (
    <Paper withBorder radius="md" p="md" data-testid="visit-diagnoses">
      <Stack gap="sm">
        <Title order={4}>{t('chart.visit.diagnoses')}</Title>
        {diagnoses.length > 0 ? (
          <Table verticalSpacing={4} data-testid="diagnosis-list">
            <Table.Tbody>
              {diagnoses.map((diagnosis, index) => (
                <Table.Tr key={diagnosis.code} data-code={diagnosis.code}>
                  <Table.Td w={90}>
                    <Text size="sm" fw={600} dir="ltr" className="tabib-code">
                      {diagnosis.code}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" dir="auto">
                      {conceptText(diagnosis.concept, config.language)}
                    </Text>
                  </Table.Td>
                  <Table.Td w={170}>
                    {index === 0 ? (
                      <Badge variant="light" size="sm" tt="none">
                        {t('chart.visit.mainDiagnosis')}
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td w={80}>
                    <Group gap={4} wrap="nowrap" hidden={readOnly}>
                      {index > 0 && (
                        <Tooltip label={t('chart.visit.makeMain')}>
                          <ActionIcon
                            variant="subtle"
                            aria-label={t('chart.visit.makeMain')}
                            onClick={() =>
                              onChange([diagnosis, ...diagnoses.filter((other) => other !== diagnosis)])
                            }
                          >
                            <IconArrowUp size={16} />
                          </ActionIcon>
                        </Tooltip>
                      )}
                      <Tooltip label={t('chart.visit.removeDiagnosis')}>
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={t('chart.visit.removeDiagnosis')}
                          onClick={() => onChange(diagnoses.filter((other) => other !== diagnosis))}
                          data-testid={`diagnosis-remove-${diagnosis.code}`}
                        >
                          <IconTrash size={16} />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text size="sm" c="dimmed">
            {t('chart.visit.noDiagnosis')}
          </Text>
        )}
        {!readOnly && (
          <Icd10Search
            label={t('chart.visit.addDiagnosis')}
            placeholder={t('chart.icd10.placeholder')}
            onPick={onAdd}
            testId="diagnosis-search"
            inputRef={searchInput}
          />
        )}
      </Stack>
    </Paper>
  );
});

const VisitVitals = memo(function VisitVitals({ readings }: { readings: VitalReading[] }) {
  const { t } = useTranslation();
  const { config } = useConfig();
  if (readings.length === 0) return null;
  const sorted = inVitalOrder(readings);
  return (
    <Group gap="xs" data-testid="visit-vitals">
      {sorted.map((reading) => (
        <Badge
          key={reading.observationId}
          variant="light"
          color={reading.flag ? (reading.flag.startsWith('critical') ? 'red' : 'orange') : 'gray'}
          size="lg"
          tt="none"
          data-kind={reading.kind}
        >
          {t(`chart.vitals.kind.${reading.kind}`)}{' '}
          <span dir="ltr" className="tabib-identifier">
            {readingText(reading, config.language, config.country)}
          </span>
        </Badge>
      ))}
    </Group>
  );
});
