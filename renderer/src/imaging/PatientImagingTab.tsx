import { Button, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { IconEye } from '@tabler/icons-react';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useConfig } from '../app/config-context';
import type { ChartTabProps } from '../chart/chart-tab';
import { useLoaded } from '../care/use-loaded';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';
import { StudyTableHead } from './StudyTableHead';
import { ModalityBadges } from './ModalityBadges';
import { studyDay } from './imaging-format';
import { useOpenStudy } from './imaging-navigation';
import { ReportStatusBadge } from './ReportStatusBadge';

/**
 * The chart's Imaging tab: the patient's studies in this workstation's image cache, each opened in the imaging section (viewer and report).
 */
export function PatientImagingTab({ patientId, active }: ChartTabProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const openStudy = useOpenStudy();
  const load = useCallback(() => invoke('imaging.studies', { patientId }), [patientId]);
  const { state, reload } = useLoaded(load, active);

  if (state.status === 'loading') return <Loader aria-label={t('imagingScreens.loading')} />;
  if (state.status === 'error') return <ErrorAlert error={state.error} onRetry={reload} />;
  const studies = state.value;
  return (
    <Stack data-testid="patient-imaging-tab">
      <Title order={3}>{t('imagingScreens.chart.title')}</Title>
      {studies.length === 0 ? (
        <Text c="gray.7" data-testid="patient-imaging-empty">
          {t('imagingScreens.chart.empty')}
        </Text>
      ) : (
        <Table verticalSpacing="sm" data-testid="patient-imaging-list">
          <StudyTableHead columns={['date', 'modality', 'description', 'instances', 'report']} />
          <Table.Tbody>
            {studies.map((study) => (
              <Table.Tr key={study.studyInstanceUid} data-study-uid={study.studyInstanceUid}>
                <Table.Td>{studyDay(study.studyDate, config.language, config.country)}</Table.Td>
                <Table.Td>
                  <ModalityBadges modalities={study.modalities} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" dir="auto">
                    {study.description}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {t('imagingScreens.worklist.counts', { series: study.series, count: study.instances })}
                </Table.Td>
                <Table.Td data-testid="patient-study-report">
                  <ReportStatusBadge status={study.report?.status ?? null} />
                </Table.Td>
                <Table.Td>
                  {openStudy && (
                    <Button
                      size="xs"
                      variant="outline"
                      color="teal.9"
                      leftSection={<IconEye size={14} aria-hidden />}
                      onClick={() => openStudy(study.studyInstanceUid, study)}
                      data-testid="patient-imaging-open"
                    >
                      {t('imagingScreens.worklist.open')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
