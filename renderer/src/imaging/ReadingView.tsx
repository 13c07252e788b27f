import { ActionIcon, Box, Button, Group, Kbd, Loader, Modal, Stack, Text, Tooltip } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import {
  IconArrowLeft,
  IconArrowRight,
  IconLayoutSidebarLeftCollapse,
  IconLayoutSidebarRightCollapse,
} from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CachedStudy, StudyView } from '../../../main/contract/imaging-types';
import { useConfig } from '../app/config-context';
import { useCan } from '../auth/session-context';
import { useLoaded } from '../care/use-loaded';
import { ErrorAlert } from '../errors/ErrorAlert';
import { DicomPatientName } from './DicomPatientName';
import { studyDay } from './imaging-format';
import { LinkBadge } from './LinkBadge';
import { ReportEditor } from './ReportEditor';
import { SendToPacs } from './SendToPacs';
import { loadStudyView, openingSummary } from './study-opening';
import { StudyViewer } from './viewer/StudyViewer';
import { ViewerBoundary } from './ViewerBoundary';

export interface ReadingViewProps {
  studyInstanceUid: string;
  /** False while another section of the frame is shown: the viewer is taken down, the report kept. */
  active: boolean;
  onBack(): void;
  /** The study changed in the cache (linked to a patient): the worklist reloads. */
  onStudyChanged(): void;
}

/**
 * Reading a study: the viewer fills the space, the report beside it (Alt+R folds it away for a
 * wider image, and back). "Back to the list" (Alt+←, Alt+→ in Arabic) asks first when the report holds unsaved text.
 */
export function ReadingView({ studyInstanceUid, active, onBack, onStudyChanged }: ReadingViewProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const can = useCan();
  const [revision, setRevision] = useState(0);
  // The opening's request if the click that opened the study started one (study-opening.ts), so
  // that one opening is one request and one read in the audit trail; asked for again on reload.
  const load = useCallback(
    () => loadStudyView(studyInstanceUid),
    // The revision is a reason to load again, not an argument.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [studyInstanceUid, revision],
  );
  const { state, reload } = useLoaded(load, true);
  // While the study's view travels, the study as the worklist listed it: the reading screen and
  // its viewer are drawn with it (no series yet), so that the view, once here, only sets the image.
  const [opening] = useState<StudyView | null>(() => {
    const summary = openingSummary(studyInstanceUid);
    return summary ? { study: summary, series: [], report: null } : null;
  });
  // The image first: the report's form is rendered once the viewer has drawn its first image, or
  // after 2 s if it draws none (a study without images, a failure), so that the two do not share
  // the main thread while the radiologist waits for the image. Without the viewer, at once.
  const [reportReady, setReportReady] = useState(!active);
  useEffect(() => {
    const timer = setTimeout(() => setReportReady(true), 2000);
    return () => clearTimeout(timer);
  }, []);
  const imageShown = useCallback(() => setReportReady(true), []);
  const [reportOpen, setReportOpen] = useState(true);
  const [dirty, setDirty] = useState(false);
  const [leaving, setLeaving] = useState(false);

  const back = useCallback(() => (dirty ? setLeaving(true) : onBack()), [dirty, onBack]);
  useHotkeys(
    active
      ? [
          ['alt+r', () => setReportOpen((open) => !open), { usePhysicalKeys: true }],
          [config.language === 'ar' ? 'alt+ArrowRight' : 'alt+ArrowLeft', back],
        ]
      : [],
    [],
  );

  const studyChanged = useCallback(() => {
    setRevision((value) => value + 1);
    onStudyChanged();
  }, [onStudyChanged]);

  if (state.status === 'loading' && !opening)
    return (
      <Stack align="center" justify="center" h="60vh" data-testid="reading" data-state="loading">
        <Loader aria-label={t('imagingScreens.loading')} />
      </Stack>
    );
  if (state.status === 'error')
    return (
      <Stack data-testid="reading" data-state="error">
        <BackButton onBack={onBack} />
        <ErrorAlert error={state.error} onRetry={reload} />
      </Stack>
    );
  const loaded = state.status === 'ready';
  const view = loaded ? state.value : (opening as StudyView);
  const study: CachedStudy = view.study;
  const BackIcon = config.language === 'ar' ? IconArrowRight : IconArrowLeft;
  const FoldIcon =
    reportOpen === (config.language === 'ar')
      ? IconLayoutSidebarLeftCollapse
      : IconLayoutSidebarRightCollapse;

  return (
    <div
      className="tabib-reading"
      // Ctrl+P anywhere in the reading (the viewer included) prints the report.
      data-print-scope
      data-testid="reading"
      data-state={loaded ? 'ready' : 'opening'}
      data-study-uid={study.studyInstanceUid}
    >
      <Group className="tabib-reading-head" justify="space-between" wrap="nowrap" gap="sm">
        <Group gap="md" wrap="nowrap">
          <Button
            variant="default"
            size="xs"
            leftSection={<BackIcon size={14} aria-hidden />}
            rightSection={
              <Kbd size="xs" dir="ltr">
                {t('imagingScreens.keys.altBack')}
              </Kbd>
            }
            onClick={back}
            aria-keyshortcuts={config.language === 'ar' ? 'Alt+ArrowRight' : 'Alt+ArrowLeft'}
            data-testid="reading-back"
          >
            {t('imagingScreens.reading.back')}
          </Button>
          <DicomPatientName name={study.patientName} text={study.patientNameText} />
          <Stack gap={0}>
            <Text size="sm" dir="auto">
              {[
                studyDay(study.studyDate, config.language, config.country),
                study.modalities.join(' '),
                study.description,
              ]
                .filter(Boolean)
                .join(' · ')}
            </Text>
            <Text size="xs" c="gray.7" dir="ltr" className="tabib-inline-ltr">
              {study.dicomPatientId}
            </Text>
          </Stack>
          <LinkBadge link={study.patientLink} />
        </Group>
        <Group gap="xs" wrap="nowrap">
          <SendToPacs study={study} />
          <Tooltip label={t('imagingScreens.keys.altR')}>
            <ActionIcon
              variant="default"
              size="lg"
              onClick={() => setReportOpen((open) => !open)}
              aria-label={
                reportOpen ? t('imagingScreens.reading.hideReport') : t('imagingScreens.reading.showReport')
              }
              aria-expanded={reportOpen}
              aria-controls="reading-report"
              aria-keyshortcuts="Alt+R"
              data-testid="reading-toggle-report"
            >
              <FoldIcon size={18} aria-hidden />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>
      <div className="tabib-reading-body" data-report-open={reportOpen || undefined}>
        <div className="tabib-reading-viewer">
          {active && (
            <ViewerBoundary>
              <StudyViewer study={view} canMeasure={can('imaging.report')} onImageShown={imageShown} />
            </ViewerBoundary>
          )}
        </div>
        <Box
          component="aside"
          id="reading-report"
          className="tabib-reading-report"
          hidden={!reportOpen}
          aria-label={t('imagingScreens.report.title')}
        >
          {loaded && (reportReady || !active) ? (
            <ReportEditor
              key={`${study.studyInstanceUid}-${study.patientId ?? ''}`}
              view={view}
              onStudyChanged={studyChanged}
              onDirtyChange={setDirty}
            />
          ) : (
            <Loader size="sm" m="md" aria-label={t('imagingScreens.loading')} data-testid="report-waiting" />
          )}
        </Box>
      </div>
      <Modal
        opened={leaving}
        onClose={() => setLeaving(false)}
        title={t('imagingScreens.reading.leaveTitle')}
        closeButtonProps={{ 'aria-label': t('imagingScreens.actions.close') }}
      >
        <Stack gap="md">
          <Text size="sm">{t('imagingScreens.reading.leaveText')}</Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" data-autofocus onClick={() => setLeaving(false)}>
              {t('imagingScreens.reading.stay')}
            </Button>
            <Button
              color="red.9"
              onClick={() => {
                setLeaving(false);
                onBack();
              }}
              data-testid="reading-leave"
            >
              {t('imagingScreens.reading.leave')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </div>
  );
}

function BackButton({ onBack }: { onBack(): void }) {
  const { t } = useTranslation();
  return (
    <Button variant="default" size="xs" w="fit-content" onClick={onBack} data-testid="reading-back">
      {t('imagingScreens.reading.back')}
    </Button>
  );
}
