import {
  Button,
  Code,
  Container,
  Group,
  Paper,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconFlask, IconPlugConnected } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { countries, type Country, type EnrolmentResult } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { LanguageSwitch } from '../app/LanguageSwitch';
import { ErrorAlert } from '../errors/ErrorAlert';
import { ContractError, invoke, subscribe } from '../tabib-client';

const enrolFields = ['baseUrl', 'tokenUrl', 'clientId', 'facility.id', 'facility.name'] as const;
type EnrolField = (typeof enrolFields)[number];

function EnrolmentDone({ result, onContinue }: { result: EnrolmentResult; onContinue: () => void }) {
  const { t } = useTranslation();
  const service = result.config.nationalService;
  return (
    <Paper withBorder p="lg" radius="md" data-testid="enrolment-done">
      <Stack>
        <Title order={3}>{t('enrolled.title')}</Title>
        <Text size="sm">
          {result.reachability.reachable
            ? t('enrolled.reachable', { version: result.reachability.fhirVersion ?? '?' })
            : t('enrolled.unreachable', { error: result.reachability.error ?? '?' })}
        </Text>
        <Text size="sm">{t('enrolled.keyInstruction')}</Text>
        <Code block dir="ltr">
          {JSON.stringify(service?.publicKeyJwk ?? {}, null, 2)}
        </Code>
        <Text size="sm">
          {t('enrolled.thumbprint')} : <Code dir="ltr">{service?.keyThumbprint}</Code>
        </Text>
        <Button onClick={onContinue} w="fit-content">
          {t('enrolled.continue')}
        </Button>
      </Stack>
    </Paper>
  );
}

export function FirstRunScreen() {
  const { t } = useTranslation();
  const { config, reload } = useConfig();
  const [country, setCountry] = useState<Country>(config.country);
  const [values, setValues] = useState<Record<EnrolField, string>>({
    baseUrl: '',
    tokenUrl: '',
    clientId: '',
    'facility.id': '',
    'facility.name': '',
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'enrol' | 'demo' | null>(null);
  const [enrolled, setEnrolled] = useState<EnrolmentResult | null>(null);
  /** The demonstration's synthetic patients being written (`record.seedProgress`); null before the first report. */
  const [seeded, setSeeded] = useState<{ done: number; total: number } | null>(null);
  const countryLocked = config.lockedByAdministrator.includes('country');

  const labels: Record<EnrolField, string> = {
    baseUrl: t('firstRun.enrol.baseUrl'),
    tokenUrl: t('firstRun.enrol.tokenUrl'),
    clientId: t('firstRun.enrol.clientId'),
    'facility.id': t('firstRun.enrol.facilityId'),
    'facility.name': t('firstRun.enrol.facilityName'),
  };
  const invalid = new Set(error instanceof ContractError ? error.fieldPaths() : []);

  async function enrol(event: FormEvent) {
    event.preventDefault();
    setBusy('enrol');
    setError(null);
    try {
      // No validation is duplicated here: main validates at the boundary and names the fields.
      setEnrolled(
        await invoke('setup.enrol', {
          baseUrl: values.baseUrl,
          tokenUrl: values.tokenUrl,
          clientId: values.clientId,
          facility: { id: values['facility.id'], name: values['facility.name'] },
          country,
        }),
      );
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  }

  async function startDemo() {
    setBusy('demo');
    setError(null);
    setSeeded(null);
    // Listening before the call: the seed reports its progress while `setup.startDemo` runs.
    const unsubscribe = subscribe('record.seedProgress', setSeeded);
    try {
      await invoke('setup.startDemo', { country });
      await reload();
    } catch (failure) {
      setError(failure);
      setBusy(null);
    } finally {
      unsubscribe();
    }
  }

  return (
    <Container size="lg" py="xl" data-testid="first-run">
      <Stack gap="lg">
        <Group justify="space-between" align="flex-start">
          <Stack gap={4}>
            <Title order={1} className="tabib-brand" c="teal.8">
              {t('firstRun.title')}
            </Title>
            <Text c="dimmed">{t('app.tagline')}</Text>
          </Stack>
          <LanguageSwitch />
        </Group>
        <Text>{t('firstRun.subtitle')}</Text>
        <Select
          label={t('firstRun.country')}
          w={260}
          value={country}
          disabled={countryLocked}
          allowDeselect={false}
          data={countries.map((code) => ({ value: code, label: t(`country.${code}`) }))}
          onChange={(value) => value && setCountry(value as Country)}
          data-testid="country"
        />
        {error !== null && <ErrorAlert error={error} fieldLabels={labels} />}
        {enrolled ? (
          <EnrolmentDone result={enrolled} onContinue={() => void reload()} />
        ) : (
          <SimpleGrid cols={2} spacing="lg">
            <Paper
              withBorder
              p="lg"
              radius="md"
              component="form"
              onSubmit={(event) => void enrol(event)}
              data-testid="enrol-form"
            >
              <Stack>
                <Group gap="sm">
                  <IconPlugConnected aria-hidden />
                  <Title order={3}>{t('firstRun.enrol.title')}</Title>
                </Group>
                <Text size="sm" c="dimmed">
                  {t('firstRun.enrol.description')}
                </Text>
                {enrolFields.map((field) => (
                  <TextInput
                    key={field}
                    name={field}
                    label={labels[field]}
                    placeholder={
                      field === 'baseUrl' || field === 'tokenUrl'
                        ? t('firstRun.enrol.baseUrlHint')
                        : undefined
                    }
                    dir={field === 'facility.name' ? undefined : 'ltr'}
                    value={values[field]}
                    error={invalid.has(field)}
                    onChange={(event) => setValues({ ...values, [field]: event.currentTarget.value })}
                  />
                ))}
                <Button type="submit" loading={busy === 'enrol'} disabled={busy !== null} w="fit-content">
                  {t('firstRun.enrol.submit')}
                </Button>
              </Stack>
            </Paper>
            <Paper withBorder p="lg" radius="md" data-testid="demo-card">
              <Stack>
                <Group gap="sm">
                  <IconFlask aria-hidden />
                  <Title order={3}>{t('firstRun.demo.title')}</Title>
                </Group>
                <Text size="sm" c="dimmed">
                  {t('firstRun.demo.description')}
                </Text>
                <Button
                  variant="light"
                  loading={busy === 'demo'}
                  disabled={busy !== null}
                  onClick={() => void startDemo()}
                  w="fit-content"
                >
                  {t('firstRun.demo.start')}
                </Button>
                {busy === 'demo' && (
                  <Stack gap={4} aria-live="polite" data-testid="demo-seed-progress">
                    <Progress
                      value={seeded && seeded.total > 0 ? (100 * seeded.done) / seeded.total : 100}
                      animated={!seeded}
                      striped={!seeded}
                      aria-label={t('firstRun.demo.seeding')}
                    />
                    <Text size="sm" c="dimmed">
                      {seeded
                        ? t('firstRun.demo.seeded', { done: seeded.done, total: seeded.total })
                        : t('firstRun.demo.seeding')}
                    </Text>
                  </Stack>
                )}
              </Stack>
            </Paper>
          </SimpleGrid>
        )}
      </Stack>
    </Container>
  );
}
