import './imaging.css';
import { Badge, Box, Group, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconCloudSearch, IconFileUpload, IconListDetails } from '@tabler/icons-react';
import { startTransition, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WorklistStudy } from '../../../main/contract/imaging-types';
import { useCan } from '../auth/session-context';
import { useLoaded } from '../care/use-loaded';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';
import { useStudyRequest } from './imaging-navigation';
import { ImportPanel } from './ImportPanel';
import { PacsPanel } from './PacsPanel';
import { ReadingView } from './ReadingView';
import { startOpeningStudy } from './study-opening';
import { Worklist } from './Worklist';
import { preloadStudyViewer } from './viewer/StudyViewer';

type Tab = 'worklist' | 'import' | 'pacs';

/**
 * The Imaging section: the worklist of the cached studies, importing (files, folders, a CD) for
 * those who may, the PACS; a study opened takes the whole screen, the viewer with its report.
 * The list and what an import showed stay as they were when the study is closed. A study opened
 * from a patient's chart (imaging-navigation.tsx) opens here.
 */
export function ImagingScreen({ active }: { active: boolean }) {
  const { t } = useTranslation();
  const can = useCan();
  const mayImport = can('imaging.import');
  const [revision, setRevision] = useState(0);
  const loadStudies = useCallback(
    () => invoke('imaging.studies', {}),
    // The revision is a reason to load again, not an argument.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [revision],
  );
  const { state } = useLoaded(loadStudies, active);
  const refresh = useCallback(() => setRevision((value) => value + 1), []);
  const [tab, setTab] = useState<Tab>('worklist');
  const [open, setOpen] = useState<string | null>(null);

  // A study asked for from elsewhere (the chart): opened once per request.
  const request = useStudyRequest();
  const [followed, setFollowed] = useState(0);
  if (request && request.sequence !== followed) {
    setFollowed(request.sequence);
    setOpen(request.studyInstanceUid);
  }

  // The viewer's code and Cornerstone start while the radiologist reads the worklist.
  useEffect(() => {
    if (active) preloadStudyViewer();
  }, [active]);

  const studies: WorklistStudy[] = useMemo(() => (state.status === 'ready' ? state.value : []), [state]);
  const cached = useMemo(() => new Set(studies.map((study) => study.studyInstanceUid)), [studies]);
  const openStudy = useCallback(
    (uid: string) => {
      startOpeningStudy(
        uid,
        studies.find((study) => study.studyInstanceUid === uid),
      );
      // Rendered in a transition: React yields every few milliseconds while it mounts the reading
      // screen, so the study's view and its first image's bytes, arriving meanwhile, are handled
      // at once (the bytes asked for, then handed to the decoder), not after the mount.
      startTransition(() => setOpen(uid));
    },
    [studies],
  );
  const close = useCallback(() => {
    setOpen(null);
    refresh();
  }, [refresh]);

  return (
    <Stack gap="md" data-testid="screen-imaging" data-reading={open !== null || undefined}>
      {open && (
        <ReadingView
          key={open}
          studyInstanceUid={open}
          active={active}
          onBack={close}
          onStudyChanged={refresh}
        />
      )}
      <Box hidden={open !== null}>
        <Stack gap="md">
          <Group justify="space-between" align="baseline">
            <Stack gap={2}>
              <Title order={2}>{t('screens.imaging.title')}</Title>
              <Text size="sm" c="gray.7">
                {t('screens.imaging.description')}
              </Text>
            </Stack>
            {state.status === 'ready' && (
              <Text size="sm" c="gray.7" data-testid="imaging-cache-count">
                {t('imagingScreens.worklist.cached', { count: studies.length })}
              </Text>
            )}
          </Group>
          <Tabs value={tab} onChange={(value) => value && setTab(value as Tab)} keepMounted color="teal.9">
            <Tabs.List aria-label={t('imagingScreens.tabs.label')}>
              <Tabs.Tab
                value="worklist"
                leftSection={<IconListDetails size={16} aria-hidden />}
                rightSection={
                  state.status === 'ready' ? (
                    <Badge size="sm" variant="light" color="gray.7" circle={studies.length < 10}>
                      {studies.length}
                    </Badge>
                  ) : null
                }
                data-testid="imaging-tab-worklist"
              >
                {t('imagingScreens.tabs.worklist')}
              </Tabs.Tab>
              {mayImport && (
                <Tabs.Tab
                  value="import"
                  leftSection={<IconFileUpload size={16} aria-hidden />}
                  data-testid="imaging-tab-import"
                >
                  {t('imagingScreens.tabs.import')}
                </Tabs.Tab>
              )}
              <Tabs.Tab
                value="pacs"
                leftSection={<IconCloudSearch size={16} aria-hidden />}
                data-testid="imaging-tab-pacs"
              >
                {t('imagingScreens.tabs.pacs')}
              </Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="worklist" pt="md">
              {state.status === 'loading' && <Loader aria-label={t('imagingScreens.loading')} />}
              {state.status === 'error' && <ErrorAlert error={state.error} onRetry={refresh} />}
              {state.status === 'ready' && (
                <Worklist
                  studies={studies}
                  active={active && open === null && tab === 'worklist'}
                  onOpen={(study) => openStudy(study.studyInstanceUid)}
                />
              )}
            </Tabs.Panel>
            {mayImport && (
              <Tabs.Panel value="import" pt="md">
                <ImportPanel onImported={refresh} onOpen={openStudy} />
              </Tabs.Panel>
            )}
            <Tabs.Panel value="pacs" pt="md">
              <PacsPanel
                active={active && tab === 'pacs'}
                cached={cached}
                onRetrieved={refresh}
                onOpen={openStudy}
              />
            </Tabs.Panel>
          </Tabs>
        </Stack>
      </Box>
    </Stack>
  );
}
