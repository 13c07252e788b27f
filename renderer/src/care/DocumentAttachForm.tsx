import { Button, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { getHotkeyHandler } from '@mantine/hooks';
import { IconFileUpload } from '@tabler/icons-react';
import { useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  DOCUMENT_MAX_BYTES,
  documentCategories,
  type DocumentCategory,
  type DocumentView,
} from '../../../main/contract/care-types';
import { useConfig } from '../app/config-context';
import { ErrorAlert } from '../errors/ErrorAlert';
import { formatBytes } from '../i18n/format';
import { invoke } from '../tabib-client';
import { CareDates } from './CareDates';
import { FormActions } from './FormActions';

/** The file as base64 (what the contract carries), read by the browser without copying it twice. */
function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('unreadable file'));
    reader.readAsDataURL(file);
  });
}

function titleFrom(fileName: string): string {
  return fileName
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .replace(/[_]+/g, ' ')
    .trim();
}

export interface DocumentAttachFormProps {
  patientId: string;
  /** The clinic's date today: the document's date by default, and the latest it may have. */
  today: string;
  onAttached(document: DocumentView): void;
  onCancel(): void;
}

/**
 * Attaching a document: a file dropped on the zone or chosen with the picker (PDF, JPEG or PNG,
 * at most 10 MiB: said before sending when the size is over; the type is judged by main from the
 * file's bytes), then its title, kind and date.
 */
export function DocumentAttachForm({ patientId, today, onAttached, onCancel }: DocumentAttachFormProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const picker = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [title, setTitle] = useState('');
  const [category, setCategory] = useState<DocumentCategory | null>(null);
  const [date, setDate] = useState<string | null>(today);
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const choose = (chosen: File | undefined | null) => {
    if (!chosen) return;
    setFile(chosen);
    setError(null);
    if (!title.trim()) setTitle(titleFrom(chosen.name));
  };

  const tooLarge = file !== null && file.size > DOCUMENT_MAX_BYTES;
  const problems = {
    file: file
      ? tooLarge
        ? t('care.documents.tooLarge', {
            limit: formatBytes(DOCUMENT_MAX_BYTES, config.language, config.country),
          })
        : null
      : t('care.documents.required.file'),
    title: title.trim() ? null : t('care.documents.required.title'),
    category: category ? null : t('care.documents.required.category'),
  };
  const valid = Object.values(problems).every((problem) => problem === null);

  async function submit() {
    setTried(true);
    if (!valid || saving || !file || !category) return;
    setSaving(true);
    setError(null);
    try {
      const data = await readAsBase64(file);
      const attached = await invoke('documents.attach', {
        patientId,
        title: title.trim(),
        category,
        ...(date ? { date } : {}),
        data,
      });
      onAttached(attached);
    } catch (caught) {
      setError(caught);
      setSaving(false);
    }
  }

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0]);
  };

  return (
    <CareDates>
      <Paper
        withBorder
        p="md"
        radius="md"
        onKeyDown={getHotkeyHandler([['mod+Enter', () => void submit()]])}
        data-testid="document-form"
      >
        <Stack gap="sm">
          <Title order={4}>{t('care.documents.attachTitle')}</Title>
          <div
            className="tabib-dropzone"
            data-dragging={dragging || undefined}
            onDragOver={(event) => {
              event.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
            data-testid="document-dropzone"
          >
            <Stack align="center" gap="xs">
              <IconFileUpload size={32} stroke={1.4} aria-hidden />
              <Text size="sm">{t('care.documents.dropHere')}</Text>
              <Button
                color="teal.9"
                variant="outline"
                size="xs"
                autoFocus
                onClick={() => picker.current?.click()}
                data-testid="document-choose"
              >
                {t('care.documents.choose')}
              </Button>
              <Text size="xs" c="gray.7">
                {t('care.documents.accepted', {
                  limit: formatBytes(DOCUMENT_MAX_BYTES, config.language, config.country),
                })}
              </Text>
              {file && (
                <Text size="sm" fw={600} data-testid="document-file">
                  {file.name} · {formatBytes(file.size, config.language, config.country)}
                </Text>
              )}
            </Stack>
            <input
              ref={picker}
              type="file"
              hidden
              accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
              onChange={(event) => choose(event.currentTarget.files?.[0])}
              data-testid="document-input"
            />
          </div>
          {(tried || tooLarge) && problems.file && (
            <Text size="sm" c="red.9" role="alert" data-testid="document-file-problem">
              {problems.file}
            </Text>
          )}
          <TextInput
            label={t('care.documents.titleLabel')}
            value={title}
            onChange={(event) => setTitle(event.currentTarget.value)}
            required
            maxLength={200}
            error={tried ? problems.title : null}
            data-testid="document-title"
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label={t('care.documents.category')}
              data={documentCategories.map((value) => ({
                value,
                label: t(`care.documents.categories.${value}`),
              }))}
              value={category}
              onChange={(value) => setCategory(value as DocumentCategory | null)}
              required
              error={tried ? problems.category : null}
              data-testid="document-category"
            />
            <DatePickerInput
              label={t('care.documents.date')}
              value={date}
              onChange={setDate}
              maxDate={today}
              valueFormat="D MMMM YYYY"
              data-testid="document-date"
            />
          </SimpleGrid>
          {error !== null && <ErrorAlert error={error} testId="document-error" />}
          <FormActions
            onCancel={onCancel}
            onSubmit={() => void submit()}
            saving={saving}
            submitLabel={t('care.documents.attach')}
            submitTestId="document-submit"
          />
        </Stack>
      </Paper>
    </CareDates>
  );
}
