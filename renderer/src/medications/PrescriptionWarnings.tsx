import { Alert, Checkbox, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCopy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { PrescriptionWarning } from '../../../main/contract/medication-types';
import { useConfig } from '../app/config-context';
import { warningText } from './medication-format';
import { readableTitle } from './tab-controls';

interface PrescriptionWarningsProps {
  warnings: PrescriptionWarning[];
  acknowledged: ReadonlySet<string>;
  onAcknowledge: (id: string, acknowledged: boolean) => void;
  /** Shown after a sign attempt with a warning left unacknowledged. */
  highlightPending: boolean;
  /** The prescriber cannot acknowledge (they cannot sign): the warnings are only shown. */
  readOnly: boolean;
}

/**
 * The allergy and duplicate warnings, before signing: each names the medicines and the allergy,
 * and has its own box the prescriber ticks to say they read it and keep the prescription.
 */
export function PrescriptionWarnings({
  warnings,
  acknowledged,
  onAcknowledge,
  highlightPending,
  readOnly,
}: PrescriptionWarningsProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  if (warnings.length === 0) return null;
  return (
    <Stack gap="xs" data-testid="prescription-warnings">
      {warnings.map((warning) => {
        const { title, body } = warningText(warning, t, config.language);
        const allergy = warning.kind === 'allergy' || warning.kind === 'crossReactivity';
        const pending = !acknowledged.has(warning.id);
        return (
          <Alert
            key={warning.id}
            color={warning.severity === 'high' ? 'red' : 'orange'}
            variant="light"
            styles={readableTitle}
            // After a refused signing, what is still to acknowledge is outlined.
            style={
              highlightPending && pending
                ? {
                    outline: `2px solid var(--mantine-color-${warning.severity === 'high' ? 'red' : 'orange'}-9)`,
                  }
                : undefined
            }
            title={title}
            icon={allergy ? <IconAlertTriangle /> : <IconCopy />}
            role="alert"
            data-testid="prescription-warning"
            data-warning-kind={warning.kind}
            data-acknowledged={pending ? 'false' : 'true'}
          >
            <Stack gap="xs">
              <Text size="sm">{body}</Text>
              {!readOnly && (
                <Checkbox
                  label={t('medication.warnings.acknowledge')}
                  checked={!pending}
                  onChange={(event) => onAcknowledge(warning.id, event.currentTarget.checked)}
                  color={warning.severity === 'high' ? 'red' : 'orange'}
                  data-testid="warning-acknowledge"
                />
              )}
            </Stack>
          </Alert>
        );
      })}
    </Stack>
  );
}
