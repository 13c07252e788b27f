import {
  Alert,
  Box,
  Button,
  Group,
  Kbd,
  Modal,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { getHotkeyHandler } from '@mantine/hooks';
import { IconAlertTriangle, IconDeviceFloppy, IconLinkOff } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImagingReportView, StudyView } from '../../../main/contract/imaging-types';
import { useConfig } from '../app/config-context';
import { useCan } from '../auth/session-context';
import { errorCodeOf, ErrorAlert } from '../errors/ErrorAlert';
import { formatDateTime } from '../i18n/format';
import { PrintButton } from '../print/PrintButton';
import { invoke } from '../tabib-client';
import { PatientLinkPanel } from './PatientLinkPanel';
import { ReportStatusBadge } from './ReportStatusBadge';
import { WARNING_COLOR } from './imaging-format';

const fields = ['indication', 'technique', 'findings', 'conclusion'] as const;
type Field = (typeof fields)[number];
type Texts = Record<Field, string>;

const limits: Record<Field, number> = {
  indication: 4000,
  technique: 4000,
  findings: 20_000,
  conclusion: 4000,
};

function textsOf(report: ImagingReportView | null): Texts {
  return {
    indication: report?.indication ?? '',
    technique: report?.technique ?? '',
    findings: report?.findings ?? '',
    conclusion: report?.conclusion ?? '',
  };
}

export interface ReportEditorProps {
  view: StudyView;
  /** The study was linked to a patient, or its report changed elsewhere: load the study again. */
  onStudyChanged(): void;
  /** The text differs from what is saved (the reading layout asks before leaving). */
  onDirtyChange?(dirty: boolean): void;
}

/**
 * The study's report: indication, technique, findings, conclusion; preliminary or final (final
 * asked for confirmation: it goes to the shared record as signed, and a later change becomes an
 * amendment). Ctrl+S saves from anywhere in the editor. Saved over a version someone else changed,
 * it shows that version and keeps the radiologist's text until they choose. Printed as PDF once
 * saved. A study that belongs to no patient of the record cannot have a report: the editor says so
 * and offers to link it.
 */
export function ReportEditor({ view, onStudyChanged, onDirtyChange }: ReportEditorProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const can = useCan();
  const mayWrite = can('imaging.report');
  const [base, setBase] = useState<ImagingReportView | null>(view.report);
  const [texts, setTexts] = useState<Texts>(() => textsOf(view.report));
  const [wanted, setWanted] = useState<'preliminary' | 'final'>(
    view.report?.status === 'preliminary' || !view.report ? 'preliminary' : 'final',
  );
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<ImagingReportView | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [savedAt, setSavedAt] = useState<string | null>(null);

  const saved = textsOf(base);
  const signed = base?.status === 'final' || base?.status === 'amended';
  const status = signed ? 'amended' : wanted;
  const dirty =
    fields.some((field) => texts[field] !== saved[field]) ||
    (!signed && base !== null && wanted !== base.status);
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);

  if (!view.study.patientId)
    return (
      <Stack gap="sm" className="tabib-report-body" data-testid="report-unlinked">
        <Alert
          color="orange"
          variant="light"
          icon={<IconLinkOff />}
          title={t('imagingScreens.report.unlinkedTitle')}
        >
          {t('imagingScreens.report.unlinked')}
        </Alert>
        <PatientLinkPanel study={view.study} onLinked={onStudyChanged} />
      </Stack>
    );

  if (!mayWrite) return <ReportReading report={base} />;

  const conclusionMissing = texts.conclusion.trim() === '';

  const save = async (confirmed = false) => {
    setTried(true);
    if (saving || conclusionMissing) return;
    if ((status === 'final' || status === 'amended') && !confirmed) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    setSaving(true);
    setError(null);
    try {
      const report = await invoke('imaging.saveReport', {
        studyInstanceUid: view.study.studyInstanceUid,
        status,
        indication: texts.indication.trim(),
        technique: texts.technique.trim(),
        findings: texts.findings.trim(),
        conclusion: texts.conclusion.trim(),
        ...(base ? { versionId: base.versionId } : {}),
      });
      setBase(report);
      setTexts(textsOf(report));
      setWanted(report.status === 'preliminary' ? 'preliminary' : 'final');
      setConflict(null);
      setTried(false);
      setSavedAt(report.issued);
    } catch (caught) {
      if (errorCodeOf(caught) === 'VERSION_CONFLICT') {
        try {
          const latest = await invoke('imaging.study', { studyInstanceUid: view.study.studyInstanceUid });
          setConflict(latest.report);
        } catch (reloadError) {
          setError(reloadError);
        }
      } else setError(caught);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Stack
      gap="sm"
      onKeyDown={getHotkeyHandler([
        ['mod+S', () => void save(), { preventDefault: true, usePhysicalKeys: true }],
      ])}
      className="tabib-report-editor"
      data-testid="report-editor"
      data-status={base?.status ?? 'none'}
      data-dirty={dirty || undefined}
    >
      {/* The text scrolls; save and print stay in sight below it. */}
      <Stack gap="sm" className="tabib-report-body">
        <Group justify="space-between" gap="xs">
          <Title order={3}>{t('imagingScreens.report.title')}</Title>
          <Box data-testid="report-status">
            <ReportStatusBadge status={base?.status ?? null} />
          </Box>
        </Group>
        {base && (
          <Text size="xs" c="gray.7" data-testid="report-saved-by">
            {t('imagingScreens.report.savedBy', {
              author: base.author,
              date: formatDateTime(base.issued, config.language, config.country),
            })}
          </Text>
        )}
        {conflict !== null && (
          <Alert
            color="orange"
            variant="light"
            icon={<IconAlertTriangle />}
            title={t('imagingScreens.report.conflictTitle')}
            role="alert"
            data-testid="report-conflict"
          >
            <Stack gap="xs">
              <Text size="sm">
                {conflict
                  ? t('imagingScreens.report.conflict', {
                      author: conflict.author,
                      date: formatDateTime(conflict.issued, config.language, config.country),
                    })
                  : t('imagingScreens.report.conflictDeleted')}
              </Text>
              {conflict && (
                <Stack gap={2} className="tabib-report-latest" data-testid="report-conflict-latest">
                  <Text size="xs" fw={600}>
                    {t('imagingScreens.report.fields.conclusion')}
                  </Text>
                  <Text size="sm" dir="auto" style={{ whiteSpace: 'pre-wrap' }}>
                    {conflict.conclusion}
                  </Text>
                </Stack>
              )}
              <Group gap="xs">
                <Button
                  size="xs"
                  color={WARNING_COLOR}
                  onClick={() => {
                    setBase(conflict);
                    setTexts(textsOf(conflict));
                    setWanted(conflict?.status === 'preliminary' || !conflict ? 'preliminary' : 'final');
                    setConflict(null);
                  }}
                  data-testid="report-conflict-load"
                >
                  {t('imagingScreens.report.conflictLoad')}
                </Button>
                <Button
                  size="xs"
                  variant="outline"
                  color={WARNING_COLOR}
                  onClick={() => {
                    // Keep the text: the next save amends the version now saved.
                    setBase(conflict);
                    setConflict(null);
                  }}
                  data-testid="report-conflict-keep"
                >
                  {t('imagingScreens.report.conflictKeep')}
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        {fields.map((field) => (
          <Textarea
            key={field}
            label={t(`imagingScreens.report.fields.${field}`)}
            value={texts[field]}
            onChange={(event) => {
              const value = event.currentTarget.value;
              setTexts((previous) => ({ ...previous, [field]: value }));
            }}
            autosize
            minRows={field === 'findings' ? 6 : 2}
            maxRows={field === 'findings' ? 18 : 6}
            maxLength={limits[field]}
            required={field === 'conclusion'}
            error={
              field === 'conclusion' && tried && conclusionMissing
                ? t('imagingScreens.report.conclusionRequired')
                : null
            }
            dir="auto"
            data-testid={`report-${field}`}
          />
        ))}
        {signed ? (
          <Text size="sm" c="gray.7" data-testid="report-amending">
            {t('imagingScreens.report.amending')}
          </Text>
        ) : (
          <Stack gap={4}>
            <Text size="sm" fw={500} id="report-status-label">
              {t('imagingScreens.report.statusLabel')}
            </Text>
            <SegmentedControl
              aria-labelledby="report-status-label"
              value={wanted}
              onChange={(value) => setWanted(value as 'preliminary' | 'final')}
              data={[
                { value: 'preliminary', label: t('imagingScreens.report.status.preliminary') },
                { value: 'final', label: t('imagingScreens.report.status.final') },
              ]}
              color="teal.9"
              data-testid="report-status-choice"
            />
          </Stack>
        )}
        {error !== null && <ErrorAlert error={error} testId="report-error" />}
        {savedAt && !dirty && (
          <Text size="sm" c="teal.9" role="status" data-testid="report-saved">
            {t('imagingScreens.report.saved')}
          </Text>
        )}
      </Stack>
      <Group justify="space-between" gap="xs" className="tabib-report-actions">
        {base && !dirty ? (
          <PrintButton kind="imagingReport" resourceId={base.id} patientId={base.patientId} />
        ) : (
          <span />
        )}
        <Button
          color="teal.9"
          leftSection={<IconDeviceFloppy size={16} aria-hidden />}
          rightSection={<Kbd size="xs">{t('imagingScreens.keys.ctrlS')}</Kbd>}
          aria-keyshortcuts="Control+S"
          loading={saving}
          disabled={!dirty && base !== null}
          onClick={() => void save()}
          data-testid="report-save"
        >
          {status === 'preliminary'
            ? t('imagingScreens.report.savePreliminary')
            : status === 'final'
              ? t('imagingScreens.report.saveFinal')
              : t('imagingScreens.report.saveAmendment')}
        </Button>
      </Group>
      <Modal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title={
          status === 'final'
            ? t('imagingScreens.report.confirmFinalTitle')
            : t('imagingScreens.report.confirmAmendTitle')
        }
        closeButtonProps={{ 'aria-label': t('imagingScreens.actions.close') }}
        data-testid="report-confirm"
      >
        <Stack gap="md">
          <Text size="sm">
            {status === 'final'
              ? t('imagingScreens.report.confirmFinal')
              : t('imagingScreens.report.confirmAmend')}
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('imagingScreens.actions.cancel')}
            </Button>
            <Button
              color="teal.9"
              data-autofocus
              onClick={() => void save(true)}
              data-testid="report-confirm-save"
            >
              {status === 'final'
                ? t('imagingScreens.report.saveFinal')
                : t('imagingScreens.report.saveAmendment')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

/** The report as a clinician without the right to write it reads it. */
function ReportReading({ report }: { report: ImagingReportView | null }) {
  const { t } = useTranslation();
  const { config } = useConfig();
  if (!report)
    return (
      <Text c="gray.7" data-testid="report-none">
        {t('imagingScreens.report.noneYet')}
      </Text>
    );
  return (
    <Stack gap="sm" className="tabib-report-body" data-testid="report-reading">
      <Group justify="space-between">
        <Title order={3}>{t('imagingScreens.report.title')}</Title>
        <ReportStatusBadge status={report.status} />
      </Group>
      <Text size="xs" c="gray.7">
        {t('imagingScreens.report.savedBy', {
          author: report.author,
          date: formatDateTime(report.issued, config.language, config.country),
        })}
      </Text>
      {fields.map((field) =>
        report[field] ? (
          <Stack key={field} gap={2}>
            <Text size="sm" fw={600}>
              {t(`imagingScreens.report.fields.${field}`)}
            </Text>
            <Text size="sm" dir="auto" style={{ whiteSpace: 'pre-wrap' }}>
              {report[field]}
            </Text>
          </Stack>
        ) : null,
      )}
      <PrintButton kind="imagingReport" resourceId={report.id} patientId={report.patientId} />
    </Stack>
  );
}
