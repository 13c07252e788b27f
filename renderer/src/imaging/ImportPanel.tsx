import {
  Alert,
  Badge,
  Button,
  Group,
  List,
  Paper,
  Progress,
  Stack,
  Text,
  ThemeIcon,
  Title,
} from '@mantine/core';
import {
  IconAlertTriangle,
  IconFileUpload,
  IconFolderOpen,
  IconLink,
  IconUserQuestion,
} from '@tabler/icons-react';
import { useEffect, useRef, useState, type ChangeEvent, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportReport } from '../../../main/contract/imaging-types';
import { errorCodeOf } from '../errors/ErrorAlert';
import { invoke, subscribe } from '../tabib-client';
import { DicomPatientName } from './DicomPatientName';
import { batchesOf, mergeReports } from './import-batches';
import { droppedFiles, pickedFromList, readAsBase64, type PickedFile } from './import-files';
import { PatientLinkPanel } from './PatientLinkPanel';
import { WARNING_COLOR } from './imaging-format';

type StudyResult = ImportReport['studies'][number];

/** A CD's index (PS3.10 §8), named DICOMDIR on the medium, maybe with an ISO 9660 version. */
const isDicomdir = (path: string) => /(^|\/)dicomdir\.?(;1)?$/i.test(path);

interface Running {
  total: number;
  done: number;
  current: string;
  cancelling: boolean;
}

export interface ImportPanelProps {
  /** The cache changed (studies added, a study linked): the worklist reloads. */
  onImported(): void;
  onOpen(studyInstanceUid: string): void;
}

/**
 * Importing DICOM files from the PC, a CD or a USB stick: files or whole folders dropped on the
 * zone or chosen with the two buttons, sent to the services batch by batch (memory stays bounded
 * whatever the size of the CD), with a progress bar; then what happened, file by file where a file
 * could not be imported, and for each study whose identifiers named nobody in the record, the
 * patients to confirm.
 */
export function ImportPanel({ onImported, onOpen }: ImportPanelProps) {
  const { t } = useTranslation();
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [running, setRunning] = useState<Running | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const [skippedIndex, setSkippedIndex] = useState(false);
  const [settled, setSettled] = useState<Record<string, 'linked' | 'left'>>({});
  const cancel = useRef(false);

  // The folder picker: a non-standard attribute React does not know.
  useEffect(() => {
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  async function run(chosen: PickedFile[]) {
    if (running || chosen.length === 0) return;
    // A CD's DICOMDIR is its index, not an image: its files are among those chosen.
    const files = chosen.filter((picked) => !isDicomdir(picked.name));
    setSkippedIndex(files.length < chosen.length);
    if (files.length === 0) return;
    cancel.current = false;
    setCancelled(false);
    setReport(null);
    setSettled({});
    const total = files.length;
    let before = 0;
    let merged: ImportReport | null = null;
    setRunning({ total, done: 0, current: '', cancelling: false });
    const unsubscribe = subscribe('imaging.importProgress', (progress) =>
      setRunning((state) =>
        state ? { ...state, done: Math.min(total, before + progress.done), current: progress.path } : state,
      ),
    );
    try {
      const batches = batchesOf(files);
      for (const [index, batch] of batches.entries()) {
        if (cancel.current) {
          const left = batches.slice(index).reduce((count, rest) => count + rest.length, 0);
          merged = mergeReports(merged, emptyReport(left));
          setCancelled(true);
          break;
        }
        let answer: ImportReport;
        try {
          const encoded = [];
          for (const picked of batch)
            encoded.push({ name: picked.name, data: await readAsBase64(picked.file) });
          answer = await invoke('imaging.importFiles', { files: encoded });
        } catch (caught) {
          // The batch as a whole was refused (e.g. the session locked): its files are listed with why.
          const code = errorCodeOf(caught);
          answer = {
            ...emptyReport(0),
            files: batch.map((picked) => ({
              path: picked.name,
              status: 'error',
              sopInstanceUid: null,
              studyInstanceUid: null,
              error: { code, message: caught instanceof Error ? caught.message : String(caught) },
            })),
            total: batch.length,
            errors: batch.length,
          };
        }
        merged = mergeReports(merged, answer);
        before += batch.length;
        setRunning((state) => (state ? { ...state, done: before } : state));
        if (answer.stoppedBy) {
          const left = batches.slice(index + 1).reduce((count, rest) => count + rest.length, 0);
          merged = mergeReports(merged, { ...emptyReport(left), stoppedBy: answer.stoppedBy });
          break;
        }
      }
    } finally {
      unsubscribe();
      setRunning(null);
      setReport(merged);
      onImported();
    }
  }

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    void droppedFiles(event.dataTransfer).then(run);
  };

  const percent = running && running.total > 0 ? Math.round((running.done / running.total) * 100) : 0;

  /** Files chosen (one by one or a folder's): imported; the input emptied, to choose the same again. */
  const picked = (event: ChangeEvent<HTMLInputElement>) => {
    const files = pickedFromList(event.currentTarget.files);
    event.currentTarget.value = '';
    void run(files);
  };

  return (
    <Stack gap="md" data-testid="import-panel">
      <div
        className="tabib-imaging-dropzone"
        data-dragging={dragging || undefined}
        data-busy={running ? true : undefined}
        onDragOver={(event) => {
          event.preventDefault();
          if (!running) setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="import-dropzone"
      >
        <Stack align="center" gap="xs">
          <IconFileUpload size={36} stroke={1.4} aria-hidden />
          <Text fw={600}>{t('imagingScreens.import.dropHere')}</Text>
          <Text size="sm" c="gray.7" ta="center">
            {t('imagingScreens.import.accepted')}
          </Text>
          <Group gap="sm">
            <Button
              color="teal.9"
              leftSection={<IconFileUpload size={16} aria-hidden />}
              onClick={() => filesInput.current?.click()}
              disabled={running !== null}
              data-testid="import-choose-files"
            >
              {t('imagingScreens.import.chooseFiles')}
            </Button>
            <Button
              color="teal.9"
              variant="outline"
              leftSection={<IconFolderOpen size={16} aria-hidden />}
              onClick={() => folderInput.current?.click()}
              disabled={running !== null}
              data-testid="import-choose-folder"
            >
              {t('imagingScreens.import.chooseFolder')}
            </Button>
          </Group>
        </Stack>
        <input
          ref={filesInput}
          type="file"
          multiple
          hidden
          aria-hidden
          tabIndex={-1}
          onChange={picked}
          data-testid="import-files-input"
        />
        <input
          ref={folderInput}
          type="file"
          multiple
          hidden
          aria-hidden
          tabIndex={-1}
          onChange={picked}
          data-testid="import-folder-input"
        />
      </div>

      {running && (
        <Paper withBorder radius="md" p="md" data-testid="import-progress" aria-live="polite">
          <Stack gap="xs">
            <Group justify="space-between">
              <Text fw={600}>
                {t('imagingScreens.import.running', { done: running.done, total: running.total })}
              </Text>
              <Button
                size="xs"
                variant="default"
                onClick={() => {
                  cancel.current = true;
                  setRunning((state) => (state ? { ...state, cancelling: true } : state));
                }}
                disabled={running.cancelling}
                data-testid="import-cancel"
              >
                {running.cancelling
                  ? t('imagingScreens.import.cancelling')
                  : t('imagingScreens.import.cancel')}
              </Button>
            </Group>
            <Progress.Root size="lg">
              <Progress.Section
                value={percent}
                color="teal.9"
                aria-label={t('imagingScreens.import.progressLabel')}
                data-testid="import-progress-bar"
              />
            </Progress.Root>
            <Text size="xs" c="gray.7" dir="ltr" className="tabib-inline-ltr" truncate>
              {running.current}
            </Text>
          </Stack>
        </Paper>
      )}

      {report && (
        <ImportSummary
          report={report}
          cancelled={cancelled}
          skippedIndex={skippedIndex}
          settled={settled}
          onSettled={(uid, how) => {
            setSettled((previous) => ({ ...previous, [uid]: how }));
            if (how === 'linked') onImported();
          }}
          onOpen={onOpen}
        />
      )}
    </Stack>
  );
}

function emptyReport(notAttempted: number): ImportReport {
  return {
    files: [],
    studies: [],
    total: notAttempted,
    imported: 0,
    duplicates: 0,
    errors: 0,
    notAttempted,
    stoppedBy: null,
    bytes: 0,
    milliseconds: 0,
  };
}

function ImportSummary({
  report,
  cancelled,
  skippedIndex,
  settled,
  onSettled,
  onOpen,
}: {
  report: ImportReport;
  cancelled: boolean;
  skippedIndex: boolean;
  settled: Record<string, 'linked' | 'left'>;
  onSettled(studyInstanceUid: string, how: 'linked' | 'left'): void;
  onOpen(studyInstanceUid: string): void;
}) {
  const { t } = useTranslation();
  const failed = report.files.filter((file) => file.status === 'error');
  const toConfirm = report.studies.filter(
    (study) =>
      (study.match.kind === 'candidates' || study.match.kind === 'none') && !settled[study.studyInstanceUid],
  );
  return (
    <Stack gap="md" data-testid="import-result">
      <Paper withBorder radius="md" p="md">
        <Stack gap="xs">
          <Title order={3}>{t('imagingScreens.import.resultTitle')}</Title>
          <Group gap="md" data-testid="import-counts">
            <Count
              color="teal.9"
              label={t('imagingScreens.import.imported', { count: report.imported })}
              kind="imported"
            />
            <Count
              color="gray.7"
              label={t('imagingScreens.import.duplicates', { count: report.duplicates })}
              kind="duplicates"
            />
            <Count
              color="red.9"
              label={t('imagingScreens.import.errors', { count: report.errors })}
              kind="errors"
            />
            {report.notAttempted > 0 && (
              <Count
                color={WARNING_COLOR}
                label={t('imagingScreens.import.notAttempted', { count: report.notAttempted })}
                kind="notAttempted"
              />
            )}
          </Group>
          {skippedIndex && (
            <Text size="sm" c="gray.7" data-testid="import-dicomdir">
              {t('imagingScreens.import.dicomdirSkipped')}
            </Text>
          )}
          {cancelled && (
            <Text size="sm" data-testid="import-cancelled">
              {t('imagingScreens.import.cancelled')}
            </Text>
          )}
          {report.stoppedBy && (
            <Alert
              color="red"
              variant="light"
              icon={<IconAlertTriangle />}
              role="alert"
              data-testid="import-stopped"
            >
              {t('imagingScreens.import.stoppedBy', { reason: t(`errors.${report.stoppedBy.code}`) })}
            </Alert>
          )}
        </Stack>
      </Paper>

      {failed.length > 0 && (
        <Paper withBorder radius="md" p="md" component="section" aria-labelledby="import-errors-title">
          <Stack gap="xs">
            <Title order={4} id="import-errors-title">
              {t('imagingScreens.import.errorsTitle', { count: failed.length })}
            </Title>
            <List spacing={4} size="sm" data-testid="import-errors" className="tabib-import-errors">
              {failed.map((file, index) => (
                <List.Item
                  key={`${file.path}-${index}`}
                  data-error-code={file.error?.code ?? 'INTERNAL'}
                  data-path={file.path}
                  icon={
                    <ThemeIcon color="red.9" size={18} radius="xl">
                      <IconAlertTriangle size={12} aria-hidden />
                    </ThemeIcon>
                  }
                >
                  <Text span size="sm" fw={600} dir="ltr" className="tabib-inline-ltr">
                    {file.path}
                  </Text>
                  <Text span size="sm">
                    {' — '}
                    {t(`errors.${file.error?.code ?? 'INTERNAL'}`)}
                  </Text>
                </List.Item>
              ))}
            </List>
          </Stack>
        </Paper>
      )}

      {report.studies.length > 0 && (
        <Paper withBorder radius="md" p="md" component="section" aria-labelledby="import-studies-title">
          <Stack gap="xs">
            <Title order={4} id="import-studies-title">
              {t('imagingScreens.import.studiesTitle', { count: report.studies.length })}
            </Title>
            <Stack gap={6} data-testid="import-studies">
              {report.studies.map((study) => (
                <ImportedStudy
                  key={study.studyInstanceUid}
                  study={study}
                  settled={settled[study.studyInstanceUid]}
                  onOpen={onOpen}
                />
              ))}
            </Stack>
          </Stack>
        </Paper>
      )}

      {toConfirm.length > 0 && (
        <Stack gap="sm" data-testid="import-confirmations">
          <Title order={3}>{t('imagingScreens.import.confirmTitle', { count: toConfirm.length })}</Title>
          {toConfirm.map((study) => (
            <PatientLinkPanel
              key={study.studyInstanceUid}
              study={study}
              match={study.match}
              onLinked={() => onSettled(study.studyInstanceUid, 'linked')}
              onLeave={() => onSettled(study.studyInstanceUid, 'left')}
            />
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function Count({ color, label, kind }: { color: string; label: string; kind: string }) {
  return (
    <Badge color={color} variant="outline" size="lg" radius="sm" tt="none" data-count={kind}>
      {label}
    </Badge>
  );
}

function ImportedStudy({
  study,
  settled,
  onOpen,
}: {
  study: StudyResult;
  settled: 'linked' | 'left' | undefined;
  onOpen(studyInstanceUid: string): void;
}) {
  const { t } = useTranslation();
  const linked =
    study.match.kind === 'identifier' || study.match.kind === 'confirmed' || settled === 'linked';
  return (
    <Group
      justify="space-between"
      wrap="nowrap"
      className="tabib-imported-study"
      data-study-uid={study.studyInstanceUid}
      data-linked={linked || undefined}
    >
      <Group gap="md" wrap="nowrap" align="flex-start">
        <DicomPatientName name={study.patientName} text={study.patientNameText} />
        <Stack gap={0}>
          <Text size="sm" dir="auto">
            {study.description}
          </Text>
          <Text size="xs" c="gray.7">
            {t('imagingScreens.import.studyCounts', { count: study.imported, duplicates: study.duplicates })}
          </Text>
        </Stack>
      </Group>
      <Group gap="xs" wrap="nowrap">
        {linked ? (
          <Badge color="teal.9" variant="light" tt="none" leftSection={<IconLink size={12} aria-hidden />}>
            {study.match.kind === 'identifier'
              ? t('imagingScreens.link.identifier')
              : t('imagingScreens.link.confirmed')}
          </Badge>
        ) : settled === 'left' ? (
          <Badge color={WARNING_COLOR} variant="outline" tt="none">
            {t('imagingScreens.link.none')}
          </Badge>
        ) : (
          <Badge
            color={WARNING_COLOR}
            variant="outline"
            tt="none"
            leftSection={<IconUserQuestion size={12} aria-hidden />}
          >
            {t('imagingScreens.import.toConfirm')}
          </Badge>
        )}
        <Button
          size="xs"
          variant="outline"
          color="teal.9"
          onClick={() => onOpen(study.studyInstanceUid)}
          data-testid="imported-open"
        >
          {t('imagingScreens.worklist.open')}
        </Button>
      </Group>
    </Group>
  );
}
