import { Button, Group, Popover, Text } from '@mantine/core';
import { IconCloudUpload } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CachedStudy } from '../../../main/contract/imaging-types';
import { useCan } from '../auth/session-context';
import { useLoaded } from '../care/use-loaded';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';

type Sending =
  | { status: 'idle' }
  | { status: 'sending' }
  | { status: 'done'; stored: number; failed: number }
  | { status: 'error'; error: unknown };

/**
 * STOW-RS: a study imported here (a CD) sent to the regional PACS, where the administrator enabled
 * uploads; shown only then, and only for a study the PACS does not hold already.
 */
export function SendToPacs({ study }: { study: CachedStudy }) {
  const { t } = useTranslation();
  const mayImport = useCan()('imaging.import');
  const load = useCallback(() => invoke('imaging.pacsStatus', {}), []);
  const { state } = useLoaded(load, mayImport && !study.heldByPacs);
  const [sending, setSending] = useState<Sending>({ status: 'idle' });

  if (!mayImport || study.heldByPacs || state.status !== 'ready') return null;
  if (!state.value.configured || !state.value.stowEnabled) return null;

  const send = async () => {
    setSending({ status: 'sending' });
    try {
      const result = await invoke('imaging.pacsStore', { studyInstanceUid: study.studyInstanceUid });
      // The list learns that the PACS holds it when the study is closed.
      setSending({ status: 'done', ...result });
    } catch (error) {
      setSending({ status: 'error', error });
    }
  };

  return (
    <Popover
      opened={sending.status === 'done' || sending.status === 'error'}
      onChange={(opened) => !opened && setSending({ status: 'idle' })}
      position="bottom-end"
      withArrow
      trapFocus={false}
    >
      <Popover.Target>
        <Button
          size="xs"
          variant="outline"
          color="teal.9"
          leftSection={<IconCloudUpload size={14} aria-hidden />}
          loading={sending.status === 'sending'}
          onClick={() => void send()}
          data-testid="pacs-send"
        >
          {t('imagingScreens.pacs.send')}
        </Button>
      </Popover.Target>
      <Popover.Dropdown maw={360} data-testid="pacs-send-result">
        {sending.status === 'done' && (
          <Group gap="xs" role="status">
            <Text size="sm">
              {t('imagingScreens.pacs.sent', { count: sending.stored })}
              {sending.failed > 0 ? ` ${t('imagingScreens.pacs.sendFailed', { count: sending.failed })}` : ''}
            </Text>
          </Group>
        )}
        {sending.status === 'error' && <ErrorAlert error={sending.error} />}
      </Popover.Dropdown>
    </Popover>
  );
}
