import { Badge, Button, Group, Kbd, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconSend } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  ReferralFacilities,
  ReferralStatus,
  ReferralView,
  SpecialtyOption,
} from '../../../main/contract/care-types';
import { useConfig } from '../app/config-context';
import { useChartEscape } from '../chart/chart-escape';
import type { ChartTabProps } from '../chart/chart-tab';
import { ErrorAlert } from '../errors/ErrorAlert';
import { formatDate } from '../i18n/format';
import { PrintButton } from '../print/PrintButton';
import { invoke } from '../tabib-client';
import { labelOf } from './care-format';
import './care.css';
import { ReferralForm } from './ReferralForm';
import { useLoaded } from './use-loaded';

/** Dark shades: badge text keeps a contrast of 4.5:1 on white (WCAG 2.1 AA). */
const statusColor: Record<ReferralStatus, string> = {
  draft: 'gray.7',
  active: 'blue.9',
  completed: 'teal.9',
  revoked: 'red.8',
};

/** Outline badges in dark shades, filled for the most pressing: 4.5:1 at least (WCAG 2.1 AA). */
const priority = {
  routine: { color: 'gray.7', variant: 'outline' },
  urgent: { color: 'red.9', variant: 'outline' },
  asap: { color: 'red.9', variant: 'filled' },
} as const;

/** The status changes a clinician may make from each status (main/care/referrals.ts says the same). */
const nextStatuses: Record<ReferralStatus, ReferralStatus[]> = {
  draft: ['active', 'revoked'],
  active: ['completed', 'revoked'],
  completed: [],
  revoked: [],
};

interface ReferralData {
  referrals: ReferralView[];
  specialties: SpecialtyOption[];
  facilities: ReferralFacilities;
}

/**
 * The chart's referrals: the patient's ServiceRequests to specialists, newest first, with their
 * status and the changes it allows, the referral letter to print, and the form for a new one (N).
 */
export function ReferralsTab({ patientId, active, onChanged }: ChartTabProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const language = config.language;
  const load = useCallback(async (): Promise<ReferralData> => {
    const [referrals, specialties, facilities] = await Promise.all([
      invoke('referrals.list', { patientId }),
      invoke('referrals.specialties', {}),
      invoke('referrals.facilities', {}),
    ]);
    return { referrals, specialties, facilities };
  }, [patientId]);
  const { state, reload } = useLoaded(load, active);
  const [creating, setCreating] = useState(false);
  const [changing, setChanging] = useState<string | null>(null);
  const [confirmRevoke, setConfirmRevoke] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<string | null>(null);

  useHotkeys(active && !creating ? [['n', () => setCreating(true), { usePhysicalKeys: true }]] : []);
  // Escape closes the form (or the revocation asked) before it closes the chart.
  useChartEscape(active && (creating || confirmRevoke !== null), () => {
    setCreating(false);
    setConfirmRevoke(null);
    return true;
  });

  async function changeStatus(referral: ReferralView, status: ReferralStatus) {
    setChanging(referral.id);
    setError(null);
    try {
      await invoke('referrals.update', { id: referral.id, version: referral.version, status });
      setConfirmRevoke(null);
      reload();
      onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setChanging(null);
    }
  }

  if (state.status === 'loading') return <Loader aria-label={t('care.loading')} />;
  if (state.status === 'error') return <ErrorAlert error={state.error} onRetry={reload} />;
  const { referrals, specialties, facilities } = state.value;

  const specialtyText = (referral: ReferralView) =>
    labelOf(referral.specialty.labels, referral.specialty.text, language);
  const facilityText = (referral: ReferralView) =>
    referral.facility
      ? referral.facility.name
        ? referral.facility.name[language === 'ar' ? 'ar' : 'fr']
        : referral.facility.text
      : t('care.referrals.noFacility');

  return (
    <Stack data-testid="referrals-tab">
      <Group justify="space-between">
        <Title order={3}>{t('care.referrals.title')}</Title>
        {!creating && (
          <Button
            color="teal.9"
            leftSection={<IconSend size={16} />}
            rightSection={<Kbd size="xs">N</Kbd>}
            onClick={() => setCreating(true)}
            data-testid="referral-new"
          >
            {t('care.referrals.new')}
          </Button>
        )}
      </Group>
      {creating && (
        <ReferralForm
          patientId={patientId}
          specialties={specialties}
          facilities={facilities}
          onCancel={() => setCreating(false)}
          onCreated={(referral) => {
            setCreating(false);
            setCreated(referral.id);
            reload();
            onChanged();
          }}
        />
      )}
      {error !== null && <ErrorAlert error={error} testId="referral-change-error" />}
      {referrals.length === 0 ? (
        <Text c="gray.7" data-testid="referrals-empty">
          {t('care.referrals.empty')}
        </Text>
      ) : (
        <Stack gap="xs" data-testid="referrals-list">
          {referrals.map((referral) => (
            <Paper
              key={referral.id}
              withBorder
              p="sm"
              radius="md"
              data-referral-id={referral.id}
              data-status={referral.status}
              data-created={created === referral.id || undefined}
            >
              <Stack gap={6}>
                <Group justify="space-between" wrap="nowrap" align="flex-start">
                  <Stack gap={2}>
                    <Group gap="xs">
                      <Text fw={600}>{specialtyText(referral)}</Text>
                      <Badge size="sm" {...priority[referral.priority]}>
                        {t(`care.referrals.priorities.${referral.priority}`)}
                      </Badge>
                    </Group>
                    <Text size="sm">{facilityText(referral)}</Text>
                  </Stack>
                  <Stack gap={2} align="flex-end">
                    <Badge
                      color={statusColor[referral.status]}
                      variant="outline"
                      data-testid="referral-status"
                    >
                      {t(`care.referrals.statuses.${referral.status}`)}
                    </Badge>
                    <Text size="xs" c="gray.7">
                      {referral.authoredOn ? formatDate(referral.authoredOn, language, config.country) : ''}
                    </Text>
                  </Stack>
                </Group>
                <Text size="sm" className="tabib-preserve-lines">
                  {referral.reason}
                </Text>
                <Group gap="xs" justify="flex-end">
                  {nextStatuses[referral.status].map((status) =>
                    status === 'revoked' && confirmRevoke !== referral.id ? (
                      <Button
                        key={status}
                        size="xs"
                        variant="outline"
                        color="red.9"
                        onClick={() => setConfirmRevoke(referral.id)}
                      >
                        {t('care.referrals.to.revoked')}
                      </Button>
                    ) : (
                      <Button
                        key={status}
                        size="xs"
                        variant={status === 'revoked' ? 'filled' : 'outline'}
                        color={status === 'revoked' ? 'red.9' : 'teal.9'}
                        loading={changing === referral.id}
                        onClick={() => void changeStatus(referral, status)}
                        data-testid={`referral-to-${status}`}
                      >
                        {status === 'revoked'
                          ? t('care.referrals.confirmRevoke')
                          : t(`care.referrals.to.${status}`)}
                      </Button>
                    ),
                  )}
                  {referral.status !== 'draft' && referral.status !== 'revoked' && (
                    <PrintButton kind="referral" resourceId={referral.id} patientId={patientId} />
                  )}
                </Group>
              </Stack>
            </Paper>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
