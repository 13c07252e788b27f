import { Alert, Button, Group, Kbd, Modal, Stack, Text, Textarea } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { onBreakGlassRequired } from '../tabib-client';

interface Pending {
  patientId: string;
  answer: Promise<string | null>;
  resolve(reason: string | null): void;
}

/** The longest reason main accepts (patients.openChart's schema). */
const MAX_REASON = 500;

/**
 * Break-the-glass: when main refuses a chart outside the facility's list without a reason, this
 * asks for one (the chart opens with it, and the audit trail keeps it under the practitioner's
 * name), or lets the practitioner give up. Mounted once in the workspace; whichever screen opens a
 * chart needs nothing of its own (renderer/src/tabib-client.ts asks it). Ctrl+Enter confirms,
 * Escape gives up.
 */
export function BreakGlassDialog() {
  const { t } = useTranslation();
  const [pending, setPending] = useState<Pending | null>(null);
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const current = useRef<Pending | null>(null);

  useEffect(
    () =>
      onBreakGlassRequired((patientId) => {
        // The same chart asked twice at once (a retry, a double render): one dialog, one answer.
        if (current.current?.patientId === patientId) return current.current.answer;
        let resolve: (reason: string | null) => void = () => undefined;
        const answer = new Promise<string | null>((settle) => (resolve = settle));
        const next: Pending = { patientId, answer, resolve };
        current.current?.resolve(null);
        current.current = next;
        setReason('');
        setTouched(false);
        setPending(next);
        return answer;
      }),
    [],
  );

  const close = (answer: string | null) => {
    pending?.resolve(answer);
    current.current = null;
    setPending(null);
  };

  const trimmed = reason.trim();
  function confirm(event?: FormEvent) {
    event?.preventDefault();
    setTouched(true);
    if (trimmed) close(trimmed);
  }

  return (
    <Modal
      opened={pending !== null}
      onClose={() => close(null)}
      title={t('auth.breakGlass.title')}
      size="lg"
      centered
      classNames={{ content: 'tabib-auth-screen' }}
      closeButtonProps={{ 'aria-label': t('auth.breakGlass.cancel') }}
      data-testid="break-glass-dialog"
    >
      <form onSubmit={confirm} noValidate>
        <Stack>
          <Alert color="orange" variant="light" icon={<IconAlertTriangle />}>
            <Text size="sm">{t('auth.breakGlass.explanation')}</Text>
          </Alert>
          <Textarea
            label={t('auth.breakGlass.reason')}
            description={t('auth.breakGlass.reasonHint')}
            autosize
            minRows={3}
            maxLength={MAX_REASON}
            data-autofocus
            required
            value={reason}
            error={touched && !trimmed ? t('auth.breakGlass.reasonRequired') : null}
            onChange={(event) => setReason(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) confirm();
            }}
            data-testid="break-glass-reason"
          />
          <Group justify="flex-end">
            <Button
              variant="default"
              onClick={() => close(null)}
              rightSection={<Kbd size="xs">{t('auth.keys.escape')}</Kbd>}
              aria-keyshortcuts="Escape"
              data-testid="break-glass-cancel"
            >
              {t('auth.breakGlass.cancel')}
            </Button>
            <Button
              type="submit"
              color="red"
              rightSection={<Kbd size="xs">{t('auth.keys.ctrlEnter')}</Kbd>}
              aria-keyshortcuts="Control+Enter"
              data-testid="break-glass-confirm"
            >
              {t('auth.breakGlass.confirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
