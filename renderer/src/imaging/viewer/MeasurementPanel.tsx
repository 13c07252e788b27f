/**
 * The study's measurements: kind, value, whether saved; go to its image; remove (radiologist).
 * Errors of loading or saving are shown here, in the user's language.
 */
import { ActionIcon, Badge, Group, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { MeasurementView, StudyView } from '../../../../main/contract/imaging-types';
import { useConfig } from '../../app/config-context';
import { ErrorAlert } from '../../errors/ErrorAlert';
import { localeTag } from '../../i18n/format';
import type { MeasurementsState } from './use-measurements';

export function formatMeasurement(
  measurement: MeasurementView,
  locale: string,
  t: (key: string, options?: Record<string, unknown>) => string,
): string {
  const number = (value: number, digits = 1) =>
    new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(
      value,
    );
  const { values } = measurement;
  const unit = measurement.unit ? ` ${measurement.unit}` : '';
  // An image without pixel spacing: Cornerstone measured in pixels, and says so.
  const pixels = measurement.geometryUnit === 'px';
  switch (measurement.kind) {
    case 'length':
      return values.length !== undefined
        ? t(pixels ? 'viewer.values.lengthPx' : 'viewer.values.length', { value: number(values.length) })
        : '';
    case 'angle':
      return values.angle !== undefined ? t('viewer.values.angle', { value: number(values.angle) }) : '';
    case 'probe':
      return values.value !== undefined ? `${number(values.value, 0)}${unit}` : '';
    case 'arrow':
      return measurement.label;
    default: {
      const parts: string[] = [];
      if (values.area !== undefined)
        parts.push(t(pixels ? 'viewer.values.areaPx' : 'viewer.values.area', { value: number(values.area) }));
      if (values.mean !== undefined)
        parts.push(t('viewer.values.mean', { value: `${number(values.mean)}${unit}` }));
      if (values.stdDev !== undefined)
        parts.push(t('viewer.values.stdDev', { value: number(values.stdDev) }));
      return parts.join(' · ');
    }
  }
}

export interface MeasurementPanelProps {
  study: StudyView;
  canMeasure: boolean;
  state: MeasurementsState;
  onSave(): void;
  onShow(measurement: MeasurementView): void;
}

export function MeasurementPanel({ study, canMeasure, state, onShow }: MeasurementPanelProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const locale = localeTag(config.language, config.country);
  return (
    <section
      className="tabib-measurements"
      aria-labelledby="tabib-measurements-title"
      data-testid="viewer-measurements"
    >
      <Text id="tabib-measurements-title" fw={600} size="sm" mb={4}>
        {t('viewer.measurements.title')}
      </Text>
      <div role="status" className="tabib-visually-hidden">
        {state.savedCount !== null ? t('viewer.measurements.saved', { count: state.savedCount }) : ''}
      </div>
      {canMeasure && study.study.patientId === null && (
        <Text size="xs" fw={600} mb={4} data-testid="viewer-not-linked">
          {t('viewer.measurements.notLinked')}
        </Text>
      )}
      {state.loadError !== null && (
        <ErrorAlert error={state.loadError} title={t('viewer.measurements.loadError')} />
      )}
      {state.saveError !== null && (
        <ErrorAlert
          error={state.saveError}
          title={t('viewer.measurements.saveError')}
          testId="viewer-save-error"
        />
      )}
      {state.items.length === 0 && !state.loading && (
        <Text size="xs" c="dimmed">
          {canMeasure ? t('viewer.measurements.emptyRadiologist') : t('viewer.measurements.empty')}
        </Text>
      )}
      <Stack gap={4} component="ul" className="tabib-measurement-list">
        {state.items.map(({ measurement, saved }) => (
          <li
            key={measurement.id}
            data-testid="viewer-measurement"
            data-kind={measurement.kind}
            data-saved={saved}
          >
            <Group gap={4} wrap="nowrap" justify="space-between">
              <UnstyledButton onClick={() => onShow(measurement)} className="tabib-measurement-button">
                <Text size="xs" fw={600}>
                  {t(`viewer.tools.${measurement.kind}`)}
                </Text>
                <Text size="xs" data-testid="viewer-measurement-value" dir="auto">
                  {formatMeasurement(measurement, locale, t)}
                </Text>
              </UnstyledButton>
              <Group gap={2} wrap="nowrap">
                {!saved && (
                  // A darker orange than Mantine's darkest (orange.9, 4.3:1): white text at 6.4:1.
                  <Badge size="xs" color="#a63c06" variant="filled">
                    {t('viewer.measurements.unsaved')}
                  </Badge>
                )}
                {canMeasure && (
                  <Tooltip label={t('viewer.measurements.remove')}>
                    <ActionIcon
                      size="sm"
                      variant="subtle"
                      color="red"
                      aria-label={t('viewer.measurements.remove')}
                      onClick={() => state.remove(measurement.id)}
                    >
                      <IconTrash size={14} aria-hidden />
                    </ActionIcon>
                  </Tooltip>
                )}
              </Group>
            </Group>
          </li>
        ))}
      </Stack>
      {state.removed > 0 && (
        <Text size="xs" fw={600} mt={4}>
          {t('viewer.measurements.removedUnsaved', { count: state.removed })}
        </Text>
      )}
    </section>
  );
}
