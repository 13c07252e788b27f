import { Badge, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ReportStatus } from '../../../main/contract/imaging-types';
import { WARNING_COLOR } from './imaging-format';

/** A study's report: none yet, preliminary (outlined), final or amended (filled). */
export function ReportStatusBadge({ status }: { status: ReportStatus | null }) {
  const { t } = useTranslation();
  if (!status)
    return (
      <Text size="sm" c="gray.7" data-report-status="none">
        {t('imagingScreens.report.status.none')}
      </Text>
    );
  return (
    <Badge
      variant={status === 'preliminary' ? 'outline' : 'filled'}
      color={status === 'preliminary' ? WARNING_COLOR : 'teal.9'}
      size="sm"
      tt="none"
      data-report-status={status}
    >
      {t(`imagingScreens.report.status.${status}`)}
    </Badge>
  );
}
