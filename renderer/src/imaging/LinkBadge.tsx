import { Badge } from '@mantine/core';
import { IconLink, IconLinkOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { CachedStudy } from '../../../main/contract/imaging-types';
import { WARNING_COLOR } from './imaging-format';

/** Whether the study belongs to a patient of the record, and how that was decided. */
export function LinkBadge({ link }: { link: CachedStudy['patientLink'] }) {
  const { t } = useTranslation();
  return link ? (
    <Badge
      color="teal.9"
      variant="light"
      size="sm"
      leftSection={<IconLink size={12} aria-hidden />}
      data-link={link}
      tt="none"
    >
      {t(`imagingScreens.link.${link}`)}
    </Badge>
  ) : (
    <Badge
      color={WARNING_COLOR}
      variant="outline"
      size="sm"
      leftSection={<IconLinkOff size={12} aria-hidden />}
      data-link="none"
      tt="none"
    >
      {t('imagingScreens.link.none')}
    </Badge>
  );
}
