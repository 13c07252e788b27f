import { Alert, Button, Group, Kbd, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { getHotkeyHandler } from '@mantine/hooks';
import { IconSignature } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  MedicationView,
  PrescriptionWarning,
  SignedPrescription,
} from '../../../main/contract/medication-types';
import { ErrorAlert, errorCodeOf } from '../errors/ErrorAlert';
import { ContractError, invoke } from '../tabib-client';
import { DrugSearch } from './DrugSearch';
import { PrescriptionLineFields } from './PrescriptionLineFields';
import { draftLine, newLine, prescriptionRequest, type EditorLine } from './prescription-lines';
import { PrescriptionWarnings } from './PrescriptionWarnings';

interface PrescriptionEditorProps {
  patientId: string;
  /** Drafts taken into this prescription, to sign with the new lines. */
  drafts: MedicationView[];
  canSign: boolean;
  canWrite: boolean;
  onSigned: (signed: SignedPrescription) => void;
  onDraftsSaved: () => void;
  onClose: () => void;
}

type Check =
  | { status: 'idle' }
  | { status: 'checking'; key: string }
  | { status: 'done'; key: string; warnings: PrescriptionWarning[] }
  | { status: 'error'; key: string; error: unknown };

/**
 * A new prescription: medicines found by name, code or class, each with its dosage; the allergy
 * and duplicate warnings checked as the lines change and shown before signing; signing (Ctrl+Enter)
 * only once each warning is acknowledged.
 */
export function PrescriptionEditor({
  patientId,
  drafts,
  canSign,
  canWrite,
  onSigned,
  onDraftsSaved,
  onClose,
}: PrescriptionEditorProps) {
  const { t } = useTranslation();
  const [lines, setLines] = useState<EditorLine[]>(() => drafts.map(draftLine));
  const [acknowledged, setAcknowledged] = useState<ReadonlySet<string>>(new Set());
  const [check, setCheck] = useState<Check>({ status: 'idle' });
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState<'sign' | 'draft' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const search = useRef<HTMLInputElement>(null);

  useEffect(() => {
    search.current?.focus();
  }, []);

  const request = useMemo(() => prescriptionRequest(lines), [lines]);
  const key = JSON.stringify([request.items, request.draftIds]);
  const hasLines = request.items.length + request.draftIds.length > 0;

  // The warnings of what is on screen, asked again (after a short pause) whenever a line changes.
  useEffect(() => {
    if (!hasLines) return;
    let current = true;
    const timer = setTimeout(() => {
      setCheck({ status: 'checking', key });
      invoke('prescriptions.check', {
        patientId,
        ...(request.items.length > 0 ? { items: request.items } : {}),
        ...(request.draftIds.length > 0 ? { draftIds: request.draftIds } : {}),
      }).then(
        (answer) => current && setCheck({ status: 'done', key, warnings: answer.warnings }),
        (caught: unknown) => current && setCheck({ status: 'error', key, error: caught }),
      );
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [hasLines, key, patientId, request]);

  const checked = hasLines && check.status === 'done' && check.key === key;
  const warnings = checked && check.status === 'done' ? check.warnings : [];
  const pending = warnings.filter((warning) => !acknowledged.has(warning.id));
  const ready = checked && request.complete && pending.length === 0 && busy === null;

  // Each line's gravest warning, by medicine: the line shows it beside the medicine's name.
  const warnedLines = new Map<string, 'high' | 'moderate'>();
  for (const warning of warnings)
    if (warnedLines.get(warning.drug.atc) !== 'high') warnedLines.set(warning.drug.atc, warning.severity);

  const update = (index: number, line: EditorLine) =>
    setLines((current) => current.map((candidate, position) => (position === index ? line : candidate)));
  const remove = (index: number) =>
    setLines((current) => current.filter((_, position) => position !== index));

  async function sign() {
    setTried(true);
    if (!canSign || !ready) return;
    setBusy('sign');
    setError(null);
    try {
      const signed = await invoke('prescriptions.sign', {
        patientId,
        ...(request.items.length > 0 ? { items: request.items } : {}),
        ...(request.draftIds.length > 0 ? { draftIds: request.draftIds } : {}),
        acknowledgedWarnings: [...acknowledged].filter((id) => warnings.some((warning) => warning.id === id)),
      });
      onSigned(signed);
    } catch (caught) {
      // Something changed in the record meanwhile: the warnings main found are shown to acknowledge.
      if (caught instanceof ContractError && caught.code === 'PRESCRIPTION_WARNINGS_UNACKNOWLEDGED') {
        const found = (caught.details as { warnings?: PrescriptionWarning[] } | undefined)?.warnings ?? [];
        setCheck({
          status: 'done',
          key,
          warnings: [...warnings.filter((w) => acknowledged.has(w.id)), ...found],
        });
      }
      setError(caught);
      setBusy(null);
    }
  }

  async function saveDrafts() {
    setTried(true);
    if (request.items.length === 0 || !request.complete) return;
    setBusy('draft');
    setError(null);
    try {
      await invoke('prescriptions.saveDraft', { patientId, items: request.items });
      setLines((current) => current.filter((line) => line.kind === 'draft'));
      setBusy(null);
      onDraftsSaved();
    } catch (caught) {
      setError(caught);
      setBusy(null);
    }
  }

  // Escape closes the editor through the chart (MedicationsTab), which knows what is open.
  const keys = getHotkeyHandler([['mod+Enter', () => void sign()]]);

  return (
    <Paper withBorder p="md" radius="md" onKeyDown={keys} data-testid="prescription-editor">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>{t('medication.editor.title')}</Title>
          <Button
            variant="default"
            onClick={onClose}
            rightSection={<Kbd size="xs">{t('medication.keys.escape')}</Kbd>}
          >
            {t('medication.editor.cancel')}
          </Button>
        </Group>
        <DrugSearch inputRef={search} onPick={(drug) => setLines((current) => [...current, newLine(drug)])} />
        {hasLines && check.status === 'checking' && (
          <Group gap="xs">
            <Loader size="xs" />
            <Text size="sm" c="gray.7">
              {t('medication.warnings.checking')}
            </Text>
          </Group>
        )}
        {checked && warnings.length === 0 && (
          <Text size="sm" c="teal.9" data-testid="prescription-no-warning">
            {t('medication.warnings.none')}
          </Text>
        )}
        {check.status === 'error' && check.key === key && <ErrorAlert error={check.error} />}
        <PrescriptionWarnings
          warnings={warnings}
          acknowledged={acknowledged}
          onAcknowledge={(id, value) =>
            setAcknowledged((current) => {
              const next = new Set(current);
              if (value) next.add(id);
              else next.delete(id);
              return next;
            })
          }
          highlightPending={tried}
          readOnly={!canSign}
        />
        {lines.length === 0 ? (
          <Text size="sm" c="gray.7">
            {t('medication.editor.empty')}
          </Text>
        ) : (
          <Stack gap="xs">
            {lines.map((line, index) => (
              <PrescriptionLineFields
                key={line.key}
                line={line}
                index={index}
                showAll={tried}
                warned={warnedLines.get(line.kind === 'new' ? line.drug.atc : (line.draft.atc ?? '')) ?? null}
                onChange={(changed) => update(index, changed)}
                onRemove={() => remove(index)}
              />
            ))}
          </Stack>
        )}
        {tried && !request.complete && (
          <Text size="sm" c="red.9" role="alert">
            {t('medication.validation.lines')}
          </Text>
        )}
        {tried && checked && pending.length > 0 && (
          <Text size="sm" c="red.9" role="alert" data-testid="sign-blocked">
            {t('medication.warnings.acknowledgeAll', { count: pending.length })}
          </Text>
        )}
        {!canSign && (
          <Alert color="gray" variant="light" data-testid="sign-not-allowed">
            {t('medication.editor.cannotSign')}
          </Alert>
        )}
        {error !== null && errorCodeOf(error) !== 'PRESCRIPTION_WARNINGS_UNACKNOWLEDGED' && (
          <ErrorAlert error={error} testId="prescription-error" />
        )}
        <Group justify="flex-end">
          {canWrite && (
            <Button
              variant="default"
              onClick={() => void saveDrafts()}
              loading={busy === 'draft'}
              disabled={request.items.length === 0 || busy !== null}
              data-testid="prescription-save-draft"
            >
              {t('medication.editor.saveDraft')}
            </Button>
          )}
          {canSign && (
            <Button
              color="teal.9"
              leftSection={<IconSignature size={18} />}
              rightSection={<Kbd size="xs">{t('medication.keys.ctrlEnter')}</Kbd>}
              onClick={() => void sign()}
              loading={busy === 'sign'}
              disabled={!hasLines || busy !== null || (checked && pending.length > 0)}
              data-testid="prescription-sign"
            >
              {t('medication.editor.sign')}
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
