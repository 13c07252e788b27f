import { Alert, Button, List, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { isErrorCode } from '../../../main/contract/errors';
import { ContractError } from '../tabib-client';

export interface ErrorAlertProps {
  error: unknown;
  /** Localised labels of the form's fields, by argument path (e.g. `facility.name`). */
  fieldLabels?: Record<string, string>;
  onRetry?: () => void;
}

/** A contract error in the user's language: the code's text, then the invalid fields by name. */
export function ErrorAlert({ error, fieldLabels = {}, onRetry }: ErrorAlertProps) {
  const { t } = useTranslation();
  const code = error instanceof ContractError && isErrorCode(error.code) ? error.code : 'INTERNAL';
  const fields = error instanceof ContractError ? error.fieldPaths() : [];
  return (
    <Alert
      color="red"
      variant="light"
      title={t('errors.title')}
      icon={<IconAlertTriangle />}
      role="alert"
      data-error-code={code}
    >
      <Stack gap="xs">
        <Text size="sm">{t(`errors.${code}`)}</Text>
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
