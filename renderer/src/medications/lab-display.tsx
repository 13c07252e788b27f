import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { LabFlag, LabRange } from '../../../main/contract/medication-types';
import type { Country, Language } from '../../../main/contract/types';
import { formatNumber } from './medication-format';

/**
 * The abnormal flags: high red, low blue, critical filled red, normal green; shades whose
 * text reads at WCAG AA contrast on its background (Mantine's default palette measured).
 */
const flagColor: Record<LabFlag, string> = {
  N: 'teal.9',
  H: 'red.9',
  L: 'blue.9',
  HH: 'red.9',
  LL: 'red.9',
  A: 'red.9',
  AA: 'red.9',
};

export function LabFlagBadge({ flag }: { flag: LabFlag | null }) {
  const { t } = useTranslation();
  if (!flag) return null;
  const critical = flag === 'HH' || flag === 'LL' || flag === 'AA';
  return (
    <Badge
      color={flagColor[flag]}
      variant={critical ? 'filled' : 'outline'}
      data-testid="lab-flag"
      data-flag={flag}
    >
      {t(`medication.labs.flags.${flag}`)}
    </Badge>
  );
}

/** "3,5 – 5", "< 6", "≥ 90", or the range's own text. */
export function rangeText(
  range: LabRange | null,
  language: Language,
  country: Country,
  decimals?: number | null,
): string {
  if (!range) return '—';
  const number = (value: number) => formatNumber(value, language, country, decimals);
  if (range.low !== null && range.high !== null) return `${number(range.low)} – ${number(range.high)}`;
  if (range.high !== null) return `≤ ${number(range.high)}`;
  if (range.low !== null) return `≥ ${number(range.low)}`;
  return range.text ?? '—';
}
