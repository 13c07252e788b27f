import { Center, Image, Loader, Modal } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentContentType, DocumentView } from '../../../main/contract/care-types';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';

type Shown =
  | { status: 'loading' }
  | { status: 'ready'; url: string; contentType: DocumentContentType }
  | { status: 'error'; error: unknown };

function blobOf(base64: string, contentType: string): Blob {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) bytes[index] = text.charCodeAt(index);
  return new Blob([bytes], { type: contentType });
}

/**
 * An attached document on screen: its bytes asked from main (an audited read), shown from a blob
 * URL that lives only while the viewer is open: a PDF in the browser's own viewer, an image inline.
 */
export function DocumentViewer({
  document,
  onClose,
  closeOnEscape = true,
}: {
  document: DocumentView;
  onClose(): void;
  /** False inside the chart, whose Escape (chart-escape.ts) closes the viewer first. */
  closeOnEscape?: boolean;
}) {
  const { t } = useTranslation();
  const [shown, setShown] = useState<Shown>({ status: 'loading' });

  useEffect(() => {
    let url: string | null = null;
    let current = true;
    invoke('documents.read', { id: document.id }).then(
      (content) => {
        if (!current) return;
        url = URL.createObjectURL(blobOf(content.data, content.contentType));
        setShown({ status: 'ready', url, contentType: content.contentType });
      },
      (error: unknown) => current && setShown({ status: 'error', error }),
    );
    return () => {
      current = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [document.id]);

  return (
    <Modal
      opened
      onClose={onClose}
      closeOnEscape={closeOnEscape}
      title={document.title}
      size="xl"
      data-testid="document-viewer"
    >
      {shown.status === 'loading' && (
        <Center h={200}>
          <Loader aria-label={t('care.loading')} />
        </Center>
      )}
      {shown.status === 'error' && <ErrorAlert error={shown.error} />}
      {shown.status === 'ready' &&
        (shown.contentType === 'application/pdf' ? (
          <iframe
            src={shown.url}
            title={document.title}
            className="tabib-document-frame"
            data-testid="document-pdf"
          />
        ) : (
          <Image src={shown.url} alt={document.title} fit="contain" mah="75vh" data-testid="document-image" />
        ))}
    </Modal>
  );
}
