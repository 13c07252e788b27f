import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconCheck, IconPlus, IconTrash } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  MedicationListView,
  MedicationView,
  PrescriptionView,
  SignedPrescription,
} from '../../../main/contract/medication-types';
import { useConfig } from '../app/config-context';
import { useCan } from '../auth/session-context';
import { useLoaded } from '../care/use-loaded';
import { useChartEscape } from '../chart/chart-escape';
import type { ChartTabProps } from '../chart/chart-tab';
import { ErrorAlert } from '../errors/ErrorAlert';
import { PrintButton } from '../print/PrintButton';
import { invoke } from '../tabib-client';
import { TabHeader, readableTitle } from './tab-controls';
import { formatClinicalDate } from './medication-format';
import { DosageText, MedicationTable } from './MedicationTables';
import { PrescriptionEditor } from './PrescriptionEditor';

export const NEW_PRESCRIPTION_SHORTCUT = 'alt+N';

/** A line of a prescription a pharmacy would honour: signed, and not stopped or cancelled since. */
function printableLine(prescription: PrescriptionView): MedicationView | undefined {
  return prescription.medications.find((view) => view.status === 'active' || view.status === 'completed');
}

function PrescriptionCard({
  prescription,
  patientId,
}: {
  prescription: PrescriptionView;
  patientId: string;
}) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const printable = printableLine(prescription);
  return (
    <Card
      withBorder
      radius="md"
      padding="sm"
      data-testid="prescription-card"
      data-prescription={prescription.id}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {t('medication.prescriptions.signedOn', {
              date: formatClinicalDate(prescription.authoredOn, config.language, config.country, 'long'),
              prescriber: prescription.requester?.display ?? '—',
            })}
          </Text>
          {prescription.medications.map((view) => (
            <Text size="sm" key={view.id}>
              <Text span fw={500}>
                {view.text}
              </Text>
              {' — '}
              <DosageText view={view} />
            </Text>
          ))}
        </Stack>
        {printable && <PrintButton kind="prescription" resourceId={printable.id} patientId={patientId} />}
      </Group>
    </Card>
  );
}

/** The chart's Medications tab: current treatment, drafts, a new prescription, signed prescriptions, history. */
export function MedicationsTab({ patientId, active, onChanged }: ChartTabProps) {
  const { t } = useTranslation();
  const may = useCan();
  const canWrite = may('medications.write');
  const canSign = may('prescriptions.sign');
  const load = useCallback(() => invoke('medications.list', { patientId }), [patientId]);
  const { state, reload } = useLoaded<MedicationListView>(load, active);
  const [editing, setEditing] = useState<{ drafts: MedicationView[] } | null>(null);
  const [signed, setSigned] = useState<SignedPrescription | null>(null);
  const [error, setError] = useState<unknown>(null);

  const changed = useCallback(() => {
    reload();
    onChanged();
  }, [reload, onChanged]);

  const open = useCallback(() => {
    setSigned(null);
    setEditing({ drafts: [] });
  }, []);
  useHotkeys(
    active && !editing && (canWrite || canSign) ? [[NEW_PRESCRIPTION_SHORTCUT, open]] : [],
    [],
    true,
  );
  useChartEscape(active && editing !== null, () => {
    setEditing(null);
    return true;
  });

  async function discard(id: string) {
    setError(null);
    try {
      await invoke('prescriptions.discardDraft', { id });
      changed();
    } catch (caught) {
      setError(caught);
    }
  }

  if (state.status === 'loading') return <Loader />;
  if (state.status === 'error') return <ErrorAlert error={state.error} onRetry={reload} />;
  const list = state.value;

  return (
    <Stack gap="lg" data-testid="medications-tab">
      <TabHeader
        title={t('medication.title')}
        action={
          (canWrite || canSign) && !editing
            ? {
                label: t('medication.editor.open'),
                shortcut: t('medication.keys.newPrescription'),
                icon: IconPlus,
                onClick: open,
                testId: 'prescription-new',
              }
            : null
        }
      />

      {signed && (
        <Alert
          color="teal"
          styles={readableTitle}
          closeButtonLabel={t('medication.close')}
          icon={<IconCheck />}
          title={t('medication.prescriptions.signedTitle')}
          withCloseButton
          onClose={() => setSigned(null)}
          data-testid="prescription-signed"
        >
          <Group justify="space-between">
            <Text size="sm">
              {t('medication.prescriptions.signedBody', { count: signed.prescription.medications.length })}
            </Text>
            {signed.prescription.medications[0] && (
              <PrintButton
                kind="prescription"
                resourceId={signed.prescription.medications[0].id}
                patientId={patientId}
              />
            )}
          </Group>
        </Alert>
      )}

      {editing && (
        <PrescriptionEditor
          patientId={patientId}
          drafts={editing.drafts}
          canSign={canSign}
          canWrite={canWrite}
          onClose={() => setEditing(null)}
          onDraftsSaved={() => {
            setEditing(null);
            changed();
          }}
          onSigned={(result) => {
            setEditing(null);
            setSigned(result);
            changed();
          }}
        />
      )}

      {list.drafts.length > 0 && (
        <Stack gap="xs" data-testid="medication-drafts">
          <Group justify="space-between">
            <Title order={4}>{t('medication.drafts.title')}</Title>
            {canSign && !editing && (
              <Button
                variant="default"
                onClick={() => setEditing({ drafts: list.drafts })}
                data-testid="drafts-resume"
              >
                {t('medication.drafts.resume')}
              </Button>
            )}
          </Group>
          {list.drafts.map((draft) => (
            <Group key={draft.id} justify="space-between" wrap="nowrap" data-testid="draft-row">
              <Text size="sm">
                <Text span fw={500}>
                  {draft.text}
                </Text>
                {' — '}
                <DosageText view={draft} />
              </Text>
              {canWrite && (
                <Tooltip label={t('medication.drafts.discard')}>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    onClick={() => void discard(draft.id)}
                    aria-label={t('medication.drafts.discard')}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                </Tooltip>
              )}
            </Group>
          ))}
          {error !== null && <ErrorAlert error={error} />}
        </Stack>
      )}

      <Stack gap="xs">
        <Group gap="xs">
          <Title order={4}>{t('medication.current.title')}</Title>
          <Badge variant="outline" color="gray.8">
            {list.current.length}
          </Badge>
        </Group>
        <MedicationTable
          views={list.current}
          active={active}
          canStop={canWrite}
          onChanged={changed}
          testId="medications-current"
          empty={t('medication.current.empty')}
        />
      </Stack>

      <Stack gap="xs" data-testid="prescriptions">
        <Title order={4}>{t('medication.prescriptions.title')}</Title>
        {list.prescriptions.length === 0 ? (
          <Text size="sm" c="gray.7">
            {t('medication.prescriptions.empty')}
          </Text>
        ) : (
          list.prescriptions.map((prescription) => (
            <PrescriptionCard key={prescription.id} prescription={prescription} patientId={patientId} />
          ))
        )}
      </Stack>

      <Stack gap="xs">
        <Title order={4}>{t('medication.past.title')}</Title>
        <MedicationTable
          views={list.past}
          active={active}
          canStop={false}
          onChanged={changed}
          testId="medications-past"
          empty={t('medication.past.empty')}
        />
      </Stack>
    </Stack>
  );
}
