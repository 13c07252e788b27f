import './chart.css';
import { Alert, Badge, Group, Kbd, Paper, Stack, Tabs, Text } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconAlertTriangle } from '@tabler/icons-react';
import { memo, useCallback, useMemo, useRef, useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChartSummary } from '../../../main/contract/chart-types';
import type { PatientSummary } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { DocumentsTab } from '../care/DocumentsTab';
import { PatientAppointmentsTab } from '../care/PatientAppointmentsTab';
import { ReferralsTab } from '../care/ReferralsTab';
import { useLoaded, type Loaded } from '../care/use-loaded';
import { PatientImagingTab } from '../imaging/PatientImagingTab';
import { ImmunizationsTab } from '../medications/ImmunizationsTab';
import { LabsTab } from '../medications/LabsTab';
import { MedicationsTab } from '../medications/MedicationsTab';
import { PatientChartHeader } from '../patients/PatientChartHeader';
import { invoke } from '../tabib-client';
import { AllergiesTab } from './AllergiesTab';
import { conceptText } from './chart-format';
import { ChartEscapeContext, type ChartEscape, type EscapeHandler } from './chart-escape';
import type { ChartTabProps } from './chart-tab';
import { chartTabs, type ChartTabId } from './chart-tabs';
import { ProblemsTab } from './ProblemsTab';
import { SummaryTab } from './SummaryTab';
import { TimelineTab } from './TimelineTab';
import { VisitTab } from './VisitTab';
import { VitalsTab } from './VitalsTab';

/** The tabs other features own, each a ChartTabProps component. */
const featureTabs: Partial<Record<ChartTabId, ComponentType<ChartTabProps>>> = {
  medications: MedicationsTab,
  labs: LabsTab,
  immunizations: ImmunizationsTab,
  referrals: ReferralsTab,
  appointments: PatientAppointmentsTab,
  documents: DocumentsTab,
  imaging: PatientImagingTab,
  problems: ProblemsTab,
  allergies: AllergiesTab,
};

export interface ChartScreenProps {
  patient: PatientSummary;
  /** False while another section of the frame is on screen: the chart's keys must not act. */
  active: boolean;
  onBack(): void;
}

/**
 * A patient's chart as a workspace: the header (who the patient is), the allergies always in
 * sight, and the tabs, each reached with Alt+Shift and the key shown beside it. A tab loads when
 * first shown and keeps its state while hidden; what one tab writes reloads the summary and the
 * timeline. Escape goes to what is open first (chart-escape.ts), then back to the search.
 */
export function ChartScreen({ patient, active, onBack }: ChartScreenProps) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<ChartTabId>('summary');
  const [visited, setVisited] = useState<ReadonlySet<ChartTabId>>(() => new Set(['summary']));
  const [revision, setRevision] = useState(0);
  const [requestedVisit, setRequestedVisit] = useState<string | null>(null);

  const tabButtons = useRef(new Map<ChartTabId, HTMLButtonElement>());
  const show = useCallback((id: ChartTabId) => {
    setTab(id);
    setVisited((current) => (current.has(id) ? current : new Set([...current, id])));
  }, []);
  const onChanged = useCallback(() => setRevision((value) => value + 1), []);

  const loadSummary = useCallback(
    () => invoke('chart.summary', { patientId: patient.id }),
    // The revision is a reason to load again, not an argument.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [patient.id, revision],
  );
  const { state: summary, reload: reloadSummary } = useLoaded(loadSummary, true);
  const openVisit = summary.status === 'ready' ? (summary.value.openVisit?.encounterId ?? null) : null;
  const visitId = requestedVisit ?? openVisit;

  const openVisitTab = useCallback(
    (encounterId: string) => {
      setRequestedVisit(encounterId);
      show('visit');
    },
    [show],
  );

  // Escape: the innermost thing open takes it; else, out of a field; else back to the search.
  const handlers = useRef<EscapeHandler[]>([]);
  const escape = useMemo<ChartEscape>(
    () => ({
      register(handler) {
        handlers.current.push(handler);
        return () => {
          handlers.current = handlers.current.filter((other) => other !== handler);
        };
      },
    }),
    [],
  );
  const requestBack = useCallback(() => {
    for (const handler of [...handlers.current].reverse()) if (handler()) return;
    onBack();
  }, [onBack]);
  const onEscape = useCallback(
    (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      // A type-ahead closes its list first.
      if (target?.getAttribute('aria-expanded') === 'true') return;
      for (const handler of [...handlers.current].reverse()) if (handler()) return;
      if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) {
        target.blur();
        return;
      }
      onBack();
    },
    [onBack],
  );

  useHotkeys(
    active
      ? [
          ...chartTabs.map(({ id, code }): [string, () => void, { usePhysicalKeys: boolean }] => [
            `alt+shift+${code}`,
            () => {
              // The tab takes the focus (ARIA tabs): a field of the panel left behind keeps none, so
              // the new panel's keys (N, …) reach it at once.
              tabButtons.current.get(id)?.focus({ preventScroll: true });
              show(id);
            },
            { usePhysicalKeys: true },
          ]),
          ['Escape', (event) => onEscape(event)],
        ]
      : [],
    [],
  );

  const keyOf = (id: ChartTabId) =>
    t('chart.keys.tab', { key: chartTabs.find((entry) => entry.id === id)?.key });
  const visitKey = keyOf('visit');
  const immunizationsKey = keyOf('immunizations');
  const openImmunizations = useCallback(() => show('immunizations'), [show]);

  return (
    <ChartEscapeContext.Provider value={escape}>
      <PatientChartHeader patient={patient} active={active} onBack={requestBack}>
        <AllergyStrip summary={summary} />
        <Tabs
          value={tab}
          onChange={(value) => value && show(value as ChartTabId)}
          orientation="vertical"
          variant="pills"
          keepMounted
          activateTabWithKeyboard
          className="tabib-chart-tabs"
          classNames={{ tabLabel: 'tabib-chart-tab-label' }}
          data-testid="chart-tabs"
        >
          <Stack gap={4} className="tabib-chart-tablist">
            <Group gap={6} px="xs" wrap="nowrap">
              <Text size="xs" c="dimmed">
                {t('chart.tabs.hint')}
              </Text>
              <Kbd size="xs" dir="ltr">
                {t('chart.keys.tabModifiers')}
              </Kbd>
            </Group>
            <Tabs.List aria-label={t('chart.tabs.label')}>
              {chartTabs.map((entry) => (
                <Tabs.Tab
                  key={entry.id}
                  value={entry.id}
                  rightSection={<Kbd size="xs">{entry.key}</Kbd>}
                  aria-keyshortcuts={`Alt+Shift+${entry.key}`}
                  data-testid={`chart-tab-${entry.id}`}
                  ref={(button: HTMLButtonElement | null) => {
                    if (button) tabButtons.current.set(entry.id, button);
                    else tabButtons.current.delete(entry.id);
                  }}
                  className={entry.first ? 'tabib-chart-tab-group' : undefined}
                >
                  {t(`chart.tabs.${entry.id}`)}
                </Tabs.Tab>
              ))}
            </Tabs.List>
          </Stack>
          {chartTabs.map(({ id }) => (
            <Tabs.Panel key={id} value={id} className="tabib-chart-panel" data-testid={`chart-panel-${id}`}>
              {visited.has(id) && (
                <ChartPanel
                  id={id}
                  patientId={patient.id}
                  active={active && tab === id}
                  onChanged={onChanged}
                  revision={revision}
                  summary={summary}
                  reloadSummary={reloadSummary}
                  visitId={visitId}
                  onOpenVisit={openVisitTab}
                  visitKey={visitKey}
                  onImmunizations={openImmunizations}
                  immunizationsKey={immunizationsKey}
                />
              )}
            </Tabs.Panel>
          ))}
        </Tabs>
      </PatientChartHeader>
    </ChartEscapeContext.Provider>
  );
}

interface ChartPanelProps extends ChartTabProps {
  id: ChartTabId;
  revision: number;
  summary: Loaded<ChartSummary>;
  reloadSummary(): void;
  visitId: string | null;
  onOpenVisit(encounterId: string): void;
  visitKey: string;
  onImmunizations(): void;
  immunizationsKey: string;
}

/** One tab's content; memoised, so a tab re-renders only for what concerns it. */
const ChartPanel = memo(function ChartPanel({
  id,
  patientId,
  active,
  onChanged,
  revision,
  summary,
  reloadSummary,
  visitId,
  onOpenVisit,
  visitKey,
  onImmunizations,
  immunizationsKey,
}: ChartPanelProps) {
  switch (id) {
    case 'summary':
      return (
        <SummaryTab
          state={summary}
          onRetry={reloadSummary}
          onContinueVisit={onOpenVisit}
          visitKey={visitKey}
          onImmunizations={onImmunizations}
          immunizationsKey={immunizationsKey}
        />
      );
    case 'timeline':
      return (
        <TimelineTab
          patientId={patientId}
          active={active}
          onChanged={onChanged}
          revision={revision}
          onOpenVisit={onOpenVisit}
        />
      );
    case 'visit':
      return (
        <VisitTab
          patientId={patientId}
          active={active}
          onChanged={onChanged}
          visitId={visitId}
          onVisit={onOpenVisit}
        />
      );
    case 'vitals':
      return <VitalsTab patientId={patientId} active={active} onChanged={onChanged} revision={revision} />;
    default: {
      const Tab = featureTabs[id];
      return Tab ? <Tab patientId={patientId} active={active} onChanged={onChanged} /> : null;
    }
  }
});

/** The allergies, red, on every tab: prescribing next to them is what they are for. */
const AllergyStrip = memo(function AllergyStrip({ summary }: { summary: Loaded<ChartSummary> }) {
  const { t } = useTranslation();
  const { config } = useConfig();
  if (summary.status !== 'ready') return null;
  const { allergies } = summary.value;
  if (allergies.length === 0)
    return (
      <Paper withBorder radius="md" px="lg" py="xs" data-testid="chart-allergies">
        <Text size="sm" c="dimmed">
          {t('patients.chart.noAllergy')}
        </Text>
      </Paper>
    );
  return (
    <Alert
      color="red"
      variant="filled"
      icon={<IconAlertTriangle />}
      title={t('patients.chart.allergies', { count: allergies.length })}
      data-testid="chart-allergies"
      py="xs"
    >
      <Group gap="xs">
        {allergies.map((allergy) => (
          <Badge
            key={allergy.allergyId}
            color="red"
            variant="white"
            size="lg"
            radius="sm"
            tt="none"
            dir="auto"
            data-criticality={allergy.criticality}
          >
            {conceptText(allergy.substance, config.language)}
            {allergy.criticality === 'high' ? ` · ${t('chart.allergies.criticalities.high')}` : ''}
          </Badge>
        ))}
      </Group>
    </Alert>
  );
});
