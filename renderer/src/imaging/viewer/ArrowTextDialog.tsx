/** The text of an arrow annotation, asked in the app's own dialog (Cornerstone's default is window.prompt). */
import { Button, Group, Modal, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface ArrowTextRequest {
  initial: string;
  done(text: string | undefined): void;
}

export function ArrowTextDialog({ request, onClose }: { request: ArrowTextRequest | null; onClose(): void }) {
  const { t } = useTranslation();
  const finish = (value: string | undefined) => {
    request?.done(value);
    onClose();
  };
  return (
    <Modal
      opened={request !== null}
      onClose={() => finish(request?.initial || undefined)}
      title={t('viewer.arrow.title')}
      closeButtonProps={{ 'aria-label': t('viewer.arrow.cancel') }}
      centered
    >
      {request && <ArrowTextForm initial={request.initial} onFinish={finish} />}
    </Modal>
  );
}

function ArrowTextForm({ initial, onFinish }: { initial: string; onFinish(text: string | undefined): void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(initial);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onFinish(text.trim() || undefined);
      }}
    >
      <TextInput
        data-autofocus
        label={t('viewer.arrow.label')}
        value={text}
        maxLength={500}
        onChange={(event) => setText(event.currentTarget.value)}
        data-testid="viewer-arrow-text"
      />
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={() => onFinish(initial || undefined)}>
          {t('viewer.arrow.cancel')}
        </Button>
        <Button type="submit" data-testid="viewer-arrow-ok">
          {t('viewer.arrow.ok')}
        </Button>
      </Group>
    </form>
  );
}
