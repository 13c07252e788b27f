import { Button, Center, Group, Kbd, Loader, Modal, Stack, Text } from '@mantine/core';
import { IconDownload, IconPrinter } from '@tabler/icons-react';
import {
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { PrintedDocument, PrintKind } from '../../../main/contract/features/print-contract';
import { useCan } from '../auth/session-context';
import { ChartEscapeContext, useChartEscape } from '../chart/chart-escape';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';
import './print.css';

export interface PrintButtonProps {
  kind: PrintKind;
  /** The MedicationRequest (prescription), ServiceRequest (referral) or Encounter (visit summary) id. */
  resourceId: string;
  patientId: string;
}

type Preview =
  | { status: 'closed' }
  | { status: 'preparing' }
  | { status: 'ready'; document: PrintedDocument; url: string }
  | { status: 'error'; error: unknown };

/** The PDF's bytes as a Blob (it crosses the contract as base64). */
function pdfBlob(base64: string): Blob {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) bytes[index] = text.charCodeAt(index);
  return new Blob([bytes], { type: 'application/pdf' });
}

const isPrintKey = (event: KeyboardEvent | ReactKeyboardEvent) =>
  (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'p';

/**
 * Where Ctrl+P prints this document: the button's own panel (a tab panel, a dialog, a marked
 * `data-print-scope`), or, where that panel holds other print buttons (a table of referrals), the
 * largest part of it that holds this one only (its row).
 */
function printScope(button: HTMLElement): HTMLElement {
  let scope: HTMLElement = button;
  for (let node = button.parentElement; node && node !== document.body; node = node.parentElement) {
    if (node.querySelectorAll('[data-print-button]').length > 1) break;
    scope = node;
    if (node.matches('[role="tabpanel"], [role="dialog"], [data-print-scope], main')) break;
  }
  return scope;
}

/**
 * Prints a document of the record as PDF: the services make it (print.document, audited), the
 * preview shows it in the browser's PDF viewer, from where it is saved or printed. Ctrl+P does the
 * same when focus is in the button's panel (printScope), instead of printing the screen.
 */
export function PrintButton({ kind, resourceId, patientId }: PrintButtonProps) {
  const { t } = useTranslation();
  const [preview, setPreview] = useState<Preview>({ status: 'closed' });
  const button = useRef<HTMLButtonElement>(null);
  const frame = useRef<HTMLIFrameElement>(null);
  const request = useRef(0);
  const inChart = useContext(ChartEscapeContext) !== null;
  // Hidden from a role that may not print (main refuses the call anyway).
  const mayPrint = useCan()('print.clinical');

  const open = useCallback(() => {
    const current = ++request.current;
    setPreview({ status: 'preparing' });
    invoke('print.document', { kind, resourceId }).then(
      (document) => {
        if (current !== request.current) return;
        setPreview({ status: 'ready', document, url: URL.createObjectURL(pdfBlob(document.pdf)) });
      },
      (error: unknown) => current === request.current && setPreview({ status: 'error', error }),
    );
  }, [kind, resourceId]);

  const close = useCallback(() => {
    request.current++;
    setPreview({ status: 'closed' });
    button.current?.focus();
  }, []);

  // The blob lives as long as its preview.
  const url = preview.status === 'ready' ? preview.url : null;
  useEffect(() => (url ? () => URL.revokeObjectURL(url) : undefined), [url]);

  const opened = preview.status !== 'closed';
  useEffect(() => {
    if (opened || !mayPrint) return;
    const onKeyDown = (event: KeyboardEvent) => {
      const element = button.current;
      if (!isPrintKey(event) || !element || element.disabled) return;
      const focused = document.activeElement;
      if (!focused || !printScope(element).contains(focused)) return;
      event.preventDefault();
      open();
    };
    document.addEventListener('keydown', onKeyDown, true);
    return () => document.removeEventListener('keydown', onKeyDown, true);
  }, [opened, open, mayPrint]);

  // Inside the chart, Escape closes the preview before it closes the chart (chart-escape.ts).
  useChartEscape(opened, () => {
    close();
    return true;
  });

  const printFrame = () => frame.current?.contentWindow?.print();
  const title = preview.status === 'ready' ? preview.document.title : t('print.preview.title');
  if (!mayPrint) return null;

  return (
    <>
      <Button
        ref={button}
        variant="light"
        size="xs"
        leftSection={<IconPrinter size={16} />}
        rightSection={<Kbd size="xs">{t('print.keys.ctrlP')}</Kbd>}
        loading={preview.status === 'preparing'}
        onClick={open}
        aria-keyshortcuts="Control+P"
        data-print-button
        data-patient-id={patientId}
        data-testid={`print-${kind}`}
      >
        {t(`print.button.${kind}`)}
      </Button>
      <Modal
        opened={opened}
        onClose={close}
        closeOnEscape={!inChart}
        title={title}
        size="xl"
        closeButtonProps={{ 'aria-label': t('print.preview.close') }}
        data-testid="print-preview"
      >
        <Stack
          gap="sm"
          onKeyDown={(event) => {
            if (preview.status === 'ready' && isPrintKey(event)) {
              event.preventDefault();
              printFrame();
            }
          }}
        >
          {preview.status === 'preparing' && (
            <Center h={200}>
              <Loader aria-label={t('print.preparing')} />
            </Center>
          )}
          {preview.status === 'error' && <ErrorAlert error={preview.error} onRetry={open} />}
          {preview.status === 'ready' && (
            <>
              <iframe
                ref={frame}
                src={preview.url}
                title={preview.document.title}
                className="tabib-print-frame"
                data-testid="print-frame"
              />
              <Group justify="space-between">
                <Text size="sm" c="dimmed" data-testid="print-pages">
                  {t('print.preview.pages', { count: preview.document.pages })}
                </Text>
                <Group gap="xs">
                  <Button
                    component="a"
                    href={preview.url}
                    download={preview.document.fileName}
                    variant="default"
                    leftSection={<IconDownload size={16} />}
                    data-testid="print-save"
                  >
                    {t('print.preview.save')}
                  </Button>
                  <Button
                    onClick={printFrame}
                    leftSection={<IconPrinter size={16} />}
                    rightSection={<Kbd size="xs">{t('print.keys.ctrlP')}</Kbd>}
                    aria-keyshortcuts="Control+P"
                    data-autofocus
                    data-testid="print-print"
                  >
                    {t('print.preview.print')}
                  </Button>
                </Group>
              </Group>
            </>
          )}
        </Stack>
      </Modal>
    </>
  );
}
