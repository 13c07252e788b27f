import { Button, Group, Modal, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke, subscribe } from '../tabib-client';

/**
 * In the administrator's maintenance window, with a verified update ready, Tabib asks the person at
 * the workstation before restarting: only they know whether a visit is half-written. "Later"
 * leaves the update to install when Tabib is next closed.
 */
export function UpdateInstallPrompt() {
  const { t } = useTranslation();
  const [version, setVersion] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let current = true;
    // The offer may have been made before this window loaded.
    invoke('update.status', {}).then(
      (status) => current && status.state === 'awaitingConsent' && setVersion(status.ready?.version ?? null),
      () => undefined,
    );
    const unsubscribe = subscribe('update.changed', ({ state, version: offered }) => {
      if (state === 'awaitingConsent') setVersion(offered);
      else if (state !== 'installing') setVersion(null);
    });
    return () => {
      current = false;
      unsubscribe();
    };
  }, []);

  const answer = useCallback(async (accept: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await invoke('update.respondToInstall', { accept });
      if (!accept) setVersion(null);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }, []);

  return (
    <Modal
      opened={version !== null}
      onClose={() => void answer(false)}
      title={t('update.prompt.title')}
      centered
      data-testid="update-install-prompt"
    >
      <Text size="sm">{t('update.prompt.body', { version: version ?? '' })}</Text>
      <Text size="sm" mt="xs" fw={600}>
        {t('update.prompt.save')}
      </Text>
      {error !== null && <ErrorAlert error={error} />}
      <Group justify="flex-end" mt="lg">
        <Button variant="default" disabled={busy} onClick={() => void answer(false)}>
          {t('update.prompt.later')}
        </Button>
        <Button loading={busy} onClick={() => void answer(true)}>
          {t('update.prompt.install')}
        </Button>
      </Group>
    </Modal>
  );
}
