import { Alert, Button, List, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';
import { isErrorCode, type ErrorCode } from '../../../main/contract/errors';
import { ContractError } from '../tabib-client';

export interface ErrorAlertProps {
  error: unknown;
  /** Localised labels of the form's fields, by argument path (e.g. `facility.name`). */
  fieldLabels?: Record<string, string>;
  onRetry?: () => void;
  /** The alert's title; the general "something went wrong" by default. */
  title?: string;
  /** What to say for this code, where the caller says it better than the general text. */
  explanation?: (code: ErrorCode) => ReactNode;
  testId?: string;
}

/** The error's contract code, INTERNAL for anything else. */
export function errorCodeOf(error: unknown): ErrorCode {
  return error instanceof ContractError && isErrorCode(error.code) ? error.code : 'INTERNAL';
}

/** A contract error in the user's language: the code's text, then the invalid fields by name. */
export function ErrorAlert({
  error,
  fieldLabels = {},
  onRetry,
  title,
  explanation,
  testId,
}: ErrorAlertProps) {
  const { t } = useTranslation();
  const code = errorCodeOf(error);
  const fields = error instanceof ContractError ? error.fieldPaths() : [];
  return (
    <Alert
      color="red"
      variant="light"
      title={title ?? t('errors.title')}
      icon={<IconAlertTriangle />}
      role="alert"
      data-testid={testId}
      data-error-code={code}
    >
      <Stack gap="xs">
        {explanation ? explanation(code) : <Text size="sm">{t(`errors.${code}`)}</Text>}
        {fields.length > 0 && (
          <List size="sm">
            {fields.map((path) => (
              <List.Item key={path}>{t('errors.field', { field: fieldLabels[path] ?? path })}</List.Item>
            ))}
          </List>
        )}
        {onRetry && (
          <Button variant="light" color="red" size="xs" onClick={onRetry} w="fit-content">
            {t('errors.retry')}
          </Button>
        )}
      </Stack>
    </Alert>
  );
}
