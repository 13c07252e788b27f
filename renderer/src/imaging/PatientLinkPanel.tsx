import { Alert, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { IconLink, IconUserQuestion } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CachedStudy, StudyPatientMatch } from '../../../main/contract/imaging-types';
import type { PatientSummary } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { useCan } from '../auth/session-context';
import { formatDay } from '../care/care-format';
import { PatientPicker } from '../care/PatientPicker';
import { useLoaded } from '../care/use-loaded';
import { ErrorAlert } from '../errors/ErrorAlert';
import { NamesInScripts, scriptsInOrder } from '../patients/PatientName';
import { invoke } from '../tabib-client';
import { DicomPatientName } from './DicomPatientName';

/** What the images say about their patient (a cached or just imported study). */
export interface StudyPatient {
  studyInstanceUid: string;
  patientName: CachedStudy['patientName'];
  patientNameText: string;
  dicomPatientId: string;
  birthDate: string | null;
  description: string;
  studyDate: string | null;
}

export interface PatientLinkPanelProps {
  study: StudyPatient;
  /** The match the import answered; asked again (imaging.matchPatient) when not given. */
  match?: StudyPatientMatch;
  onLinked(study: CachedStudy): void;
  /** "Leave unlinked": the study stays in the cache without a patient. */
  onLeave?(): void;
}

/**
 * Which patient of the record a study belongs to, when its identifiers named none: the patients
 * whose name and birth date match, side by side with what the images say, to confirm one; or
 * another patient found by search; or leave it unlinked. Nothing is linked on a name alone.
 */
export function PatientLinkPanel({ study, match, onLinked, onLeave }: PatientLinkPanelProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const mayLink = useCan()('imaging.import');
  const load = useCallback(
    () =>
      match
        ? Promise.resolve(match)
        : invoke('imaging.matchPatient', { studyInstanceUid: study.studyInstanceUid }),
    [match, study.studyInstanceUid],
  );
  const { state, reload } = useLoaded(load, true);
  const [searching, setSearching] = useState(false);
  const [picked, setPicked] = useState<PatientSummary | null>(null);
  const [saving, setSaving] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const confirm = async (patientId: string) => {
    setSaving(patientId);
    setError(null);
    try {
      onLinked(
        await invoke('imaging.confirmPatient', { studyInstanceUid: study.studyInstanceUid, patientId }),
      );
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(null);
    }
  };

  const candidates =
    state.status === 'ready' && state.value.kind === 'candidates' ? state.value.candidates : [];
  const birth = study.birthDate ? formatDay(study.birthDate, config.language, config.country, 'date') : null;

  return (
    <Paper
      withBorder
      radius="md"
      p="md"
      data-testid="patient-link"
      data-study-uid={study.studyInstanceUid}
      aria-labelledby={`link-${study.studyInstanceUid}`}
      component="section"
    >
      <Stack gap="sm">
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <IconUserQuestion size={22} aria-hidden />
          <Stack gap={2}>
            <Title order={4} id={`link-${study.studyInstanceUid}`}>
              {t('imagingScreens.link.title')}
            </Title>
            <Group gap="md" align="flex-start">
              <DicomPatientName name={study.patientName} text={study.patientNameText} />
              <Stack gap={0}>
                <Text size="xs" c="gray.7">
                  {t('imagingScreens.link.fileId', { id: study.dicomPatientId || '—' })}
                </Text>
                <Text size="xs" c="gray.7">
                  {birth
                    ? t('imagingScreens.link.fileBirthDate', { date: birth })
                    : t('imagingScreens.link.noBirthDate')}
                </Text>
                {study.description && (
                  <Text size="xs" c="gray.7" dir="auto">
                    {study.description}
                  </Text>
                )}
              </Stack>
            </Group>
          </Stack>
        </Group>
        {state.status === 'loading' && <Loader size="sm" aria-label={t('imagingScreens.loading')} />}
        {state.status === 'error' && <ErrorAlert error={state.error} onRetry={reload} />}
        {state.status === 'ready' &&
          (state.value.kind === 'identifier' || state.value.kind === 'confirmed') && (
            <Text size="sm">{t('imagingScreens.link.alreadyLinked')}</Text>
          )}
        {state.status === 'ready' && (
          <>
            <Text size="sm">
              {candidates.length > 0
                ? t('imagingScreens.link.candidatesIntro', { count: candidates.length })
                : t('imagingScreens.link.noCandidate')}
            </Text>
            {!mayLink && (
              <Alert color="orange" variant="light">
                {t('imagingScreens.link.notAllowed')}
              </Alert>
            )}
            {candidates.length > 0 && (
              <Stack gap={4} role="list" aria-label={t('imagingScreens.link.candidates')}>
                {candidates.map((candidate) => (
                  <Group
                    key={candidate.id}
                    role="listitem"
                    justify="space-between"
                    wrap="nowrap"
                    className="tabib-candidate"
                    data-testid="link-candidate"
                    data-patient-id={candidate.id}
                  >
                    <Stack gap={0}>
                      <Group gap="xs">
                        <NamesInScripts names={scriptsInOrder(candidate, config.language)} />
                      </Group>
                      <Text size="xs" c="gray.7">
                        {[
                          candidate.identifier?.value,
                          candidate.birthDate
                            ? formatDay(candidate.birthDate, config.language, config.country, 'date')
                            : null,
                        ]
                          .filter(Boolean)
                          .join(' · ')}
                      </Text>
                    </Stack>
                    {mayLink && (
                      <Button
                        size="xs"
                        color="teal.9"
                        leftSection={<IconLink size={14} aria-hidden />}
                        loading={saving === candidate.id}
                        disabled={saving !== null && saving !== candidate.id}
                        onClick={() => void confirm(candidate.id)}
                        data-testid="link-confirm"
                      >
                        {t('imagingScreens.link.confirm')}
                      </Button>
                    )}
                  </Group>
                ))}
              </Stack>
            )}
            {mayLink && searching && (
              <Stack gap="xs">
                <PatientPicker patient={picked} onPick={setPicked} />
                {picked && (
                  <Button
                    w="fit-content"
                    size="xs"
                    color="teal.9"
                    leftSection={<IconLink size={14} aria-hidden />}
                    loading={saving === picked.id}
                    onClick={() => void confirm(picked.id)}
                    data-testid="link-confirm-picked"
                  >
                    {t('imagingScreens.link.confirmPicked')}
                  </Button>
                )}
              </Stack>
            )}
            {error !== null && <ErrorAlert error={error} />}
            <Group gap="xs">
              {mayLink && !searching && (
                <Button
                  size="xs"
                  variant="outline"
                  color="teal.9"
                  onClick={() => setSearching(true)}
                  data-testid="link-search"
                >
                  {t('imagingScreens.link.search')}
                </Button>
              )}
              {onLeave && (
                <Button size="xs" variant="default" onClick={onLeave} data-testid="link-leave">
                  {t('imagingScreens.link.leave')}
                </Button>
              )}
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}
