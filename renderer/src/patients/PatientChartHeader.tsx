import {
  Alert,
  Badge,
  Button,
  Group,
  Kbd,
  List,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
  useDirection,
} from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconAlertTriangle, IconArrowLeft, IconArrowRight } from '@tabler/icons-react';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChartConcept, ChartHeader, Language, PatientSummary } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { ErrorAlert } from '../errors/ErrorAlert';
import { formatDate, localeTag } from '../i18n/format';
import { invoke } from '../tabib-client';
import { ageOn, formatAge, formatBirthDate, useToday } from './age';
import { NamesInScripts, scriptsInOrder } from './PatientName';
import { Fact } from '../app/Fact';
import { PatientEditButton } from '../registration/PatientEditButton';

/**
 * The order a clinician reads a record's contents in: the visits, what was found, what was given,
 * what was asked for. Types the record adds later come after these, by name.
 */
const chartContentOrder = [
  'Encounter',
  'Condition',
  'AllergyIntolerance',
  'Observation',
  'DiagnosticReport',
  'MedicationRequest',
  'MedicationDispense',
  'Immunization',
  'ServiceRequest',
  'ImagingStudy',
  'CarePlan',
  'Appointment',
  'DocumentReference',
];

export function chartContents(counts: Record<string, number>): [string, number][] {
  const rank = (type: string) => {
    const index = chartContentOrder.indexOf(type);
    return index === -1 ? chartContentOrder.length : index;
  };
  return Object.entries(counts)
    .filter(([type, count]) => type !== 'Patient' && count > 0)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

type ChartState =
  { status: 'loading' } | { status: 'ready'; header: ChartHeader } | { status: 'error'; error: unknown };

export interface PatientChartHeaderProps {
  /** What the search already knew: shown at once, while the chart header is fetched. */
  patient: PatientSummary;
  /** False while another section of the frame is on screen: its shortcuts must not act. */
  active: boolean;
  onBack(): void;
  /**
   * The chart's workspace under the header (renderer/src/chart/ChartScreen.tsx), in place of the
   * header's own summary; the workspace then decides what Escape does.
   */
  children?: ReactNode;
}

/**
 * A patient's chart, for now its header: who the patient is (both scripts), allergies first and
 * red, active problems, the last encounter, and what the local record holds. Opening it is an
 * audited read in main (`patients.openChart`).
 */
export function PatientChartHeader({ patient: known, active, onBack, children }: PatientChartHeaderProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const { dir } = useDirection();
  const today = useToday();
  const [state, setState] = useState<ChartState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);

  useHotkeys(active && !children ? [['Escape', onBack]] : []);

  useEffect(() => {
    let current = true;
    invoke('patients.openChart', { patientId: known.id }).then(
      (header) => current && setState({ status: 'ready', header }),
      (error: unknown) => current && setState({ status: 'error', error }),
    );
    return () => {
      current = false;
    };
  }, [known.id, attempt]);

  useEffect(() => {
    if (active) heading.current?.focus();
  }, [active]);

  const header = state.status === 'ready' ? state.header : null;
  const patient = header?.patient ?? known;
  const names = scriptsInOrder(patient, config.language);
  const age = patient.birthDate ? ageOn(patient.birthDate, today) : null;
  const BackIcon = dir === 'rtl' ? IconArrowRight : IconArrowLeft;

  return (
    <Stack
      maw={children ? undefined : 1100}
      data-testid="patient-chart"
      data-patient-id={patient.id}
      data-state={state.status}
    >
      <Group>
        <Button
          variant="subtle"
          leftSection={<BackIcon size={18} aria-hidden />}
          rightSection={<Kbd size="xs">{t('patients.keys.escape')}</Kbd>}
          aria-keyshortcuts="Escape"
          onClick={onBack}
          data-testid="chart-back"
        >
          {t('patients.chart.back')}
        </Button>
        <PatientEditButton
          patientId={known.id}
          active={active}
          onSaved={() => setAttempt((value) => value + 1)}
        />
      </Group>
      <Paper withBorder radius="md" p="lg" data-testid="chart-header">
        <Stack gap="md">
          <Title
            order={2}
            ref={heading}
            tabIndex={-1}
            className="tabib-chart-names"
            data-testid="chart-names"
          >
            <NamesInScripts names={names} />
            {names.length === 0 && t('patients.noName')}
          </Title>
          <SimpleGrid cols={{ base: 2, md: 5 }} spacing="lg">
            <Fact label={t('patients.column.identifier')} testId="chart-identifier">
              <Text span inherit dir="ltr" className="tabib-identifier">
                {patient.identifier?.value ?? '—'}
              </Text>
            </Fact>
            <Fact label={t('patients.chart.birthDate')} testId="chart-birth-date">
              {patient.birthDate ? (
                <>
                  <Text span inherit className="tabib-identifier">
                    {formatBirthDate(patient.birthDate, config.language, config.country)}
                  </Text>
                  {age && (
                    <Text span inherit c="dimmed" data-testid="patient-age">
                      {' '}
                      ({formatAge(age, config.language, config.country)})
                    </Text>
                  )}
                </>
              ) : (
                '—'
              )}
            </Fact>
            <Fact label={t('patients.column.sex')} testId="chart-sex">
              {t(`patients.gender.${patient.gender ?? 'unknown'}`)}
            </Fact>
            <Fact label={t('patients.column.phone')} testId="chart-phone">
              <Text span inherit dir="ltr" className="tabib-identifier">
                {patient.phone ?? '—'}
              </Text>
            </Fact>
            <Fact label={t('patients.chart.address')} testId="chart-address">
              {header ? (
                <Text span inherit dir="auto">
                  {header.address ?? '—'}
                </Text>
              ) : (
                <Loader size="xs" />
              )}
            </Fact>
          </SimpleGrid>
        </Stack>
      </Paper>

      {children}
      {!children && state.status === 'loading' && (
        <Group gap="sm" c="dimmed">
          <Loader size="sm" />
          <Text size="sm">{t('patients.chart.loading')}</Text>
        </Group>
      )}
      {state.status === 'error' && (
        <ErrorAlert
          error={state.error}
          onRetry={() => {
            setState({ status: 'loading' });
            setAttempt((value) => value + 1);
          }}
        />
      )}
      {!children && header && <ChartSummary header={header} />}
    </Stack>
  );
}

/** A coded item in the interface's language where the terminology knows its code, else as recorded. */
function conceptLabel(concept: ChartConcept, language: Language): string {
  return concept.labels[language] ?? concept.text;
}

/**
 * Problems coded ICD-10 show in the interface's language (resources/terminology); what the
 * terminology does not know, and the address, show as recorded, in whatever script they were
 * written: `dir="auto"` keeps a French text readable in the Arabic screen and the reverse.
 */
function ChartSummary({ header }: { header: ChartHeader }) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const contents = chartContents(header.counts);
  const number = new Intl.NumberFormat(localeTag(config.language, config.country));
  return (
    <>
      {header.allergies.length > 0 ? (
        <Alert
          color="red"
          variant="filled"
          icon={<IconAlertTriangle />}
          title={t('patients.chart.allergies', { count: header.allergies.length })}
          data-testid="chart-allergies"
        >
          <Group gap="xs">
            {header.allergies.map((allergy, index) => (
              <Badge
                key={`${allergy.code ?? allergy.text}-${index}`}
                color="red"
                variant="white"
                size="lg"
                radius="sm"
                tt="none"
                dir="auto"
              >
                {conceptLabel(allergy, config.language)}
              </Badge>
            ))}
          </Group>
        </Alert>
      ) : (
        <Paper withBorder radius="md" px="lg" py="sm" data-testid="chart-allergies">
          <Text size="sm" c="dimmed">
            {t('patients.chart.noAllergy')}
          </Text>
        </Paper>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Paper withBorder radius="md" p="lg" data-testid="chart-problems">
          <Title order={4} mb="xs">
            {t('patients.chart.problems')}
          </Title>
          {header.problems.length > 0 ? (
            <List size="sm" spacing={4}>
              {header.problems.map((problem, index) => (
                <List.Item key={`${problem.code ?? problem.text}-${index}`}>
                  <span dir="auto">{conceptLabel(problem, config.language)}</span>
                  {problem.code ? (
                    <Text span size="xs" c="dimmed" ms={6} dir="ltr">
                      {problem.code}
                    </Text>
                  ) : null}
                </List.Item>
              ))}
            </List>
          ) : (
            <Text size="sm" c="dimmed">
              {t('patients.chart.noProblem')}
            </Text>
          )}
        </Paper>
        <Paper withBorder radius="md" p="lg" data-testid="chart-last-encounter">
          <Title order={4} mb="xs">
            {t('patients.chart.lastEncounter')}
          </Title>
          <Text size="sm">
            {header.lastEncounter
              ? formatDate(header.lastEncounter, config.language, config.country)
              : t('patients.chart.noEncounter')}
          </Text>
        </Paper>
      </SimpleGrid>
      <Paper withBorder radius="md" p="lg" data-testid="chart-contents">
        <Title order={4} mb="xs">
          {t('patients.chart.contents')}
        </Title>
        {contents.length > 0 ? (
          <SimpleGrid cols={{ base: 2, md: 3 }} spacing="lg" verticalSpacing="xs">
            {contents.map(([type, count]) => (
              <Group key={type} gap="xs" wrap="nowrap" justify="space-between" data-resource-type={type}>
                <Text size="sm">{t(`resourceTypes.${type}`, { defaultValue: type })}</Text>
                <Badge variant="light" color="teal" size="lg" className="tabib-count">
                  {number.format(count)}
                </Badge>
              </Group>
            ))}
          </SimpleGrid>
        ) : (
          <Text size="sm" c="dimmed">
            {t('patients.chart.noContents')}
          </Text>
        )}
      </Paper>
    </>
  );
}
