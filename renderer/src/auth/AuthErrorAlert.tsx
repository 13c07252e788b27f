import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PASSWORD_MIN_LENGTH } from '../../../main/contract/auth-types';
import type { Country, Language } from '../../../main/contract/types';
import { ErrorAlert } from '../errors/ErrorAlert';
import { localeTag } from '../i18n/format';
import { ContractError } from '../tabib-client';

function detailsOf(error: unknown): Record<string, unknown> {
  const details = error instanceof ContractError ? error.details : null;
  return details !== null && typeof details === 'object' ? (details as Record<string, unknown>) : {};
}

/**
 * A sign-in, unlock or account error in the user's language, said more precisely than the code
 * alone where main gave the facts: until when a lockout lasts, how many attempts are left, which
 * password rule was broken.
 */
export function AuthErrorAlert({
  error,
  language,
  country,
  fieldLabels,
}: {
  error: unknown;
  language: Language;
  country: Country;
  fieldLabels?: Record<string, string>;
}) {
  const { t } = useTranslation();
  const details = detailsOf(error);
  return (
    <ErrorAlert
      error={error}
      title={t('auth.errorTitle')}
      testId="auth-error"
      {...(fieldLabels ? { fieldLabels } : {})}
      explanation={(code) => {
        if (code === 'ACCOUNT_LOCKED_OUT' && typeof details.until === 'string') {
          const time = new Intl.DateTimeFormat(localeTag(language, country), { timeStyle: 'short' }).format(
            new Date(details.until),
          );
          return <Text size="sm">{t('auth.lockedOutUntil', { time })}</Text>;
        }
        if (code === 'INVALID_CREDENTIALS' && typeof details.remainingAttempts === 'number')
          return (
            <Text size="sm">
              {t('errors.INVALID_CREDENTIALS')}{' '}
              {t('auth.remainingAttempts', { count: details.remainingAttempts })}
            </Text>
          );
        if (
          code === 'PASSWORD_TOO_WEAK' &&
          (details.rule === 'tooShort' || details.rule === 'containsUsername')
        )
          return (
            <Text size="sm">{t(`auth.passwordRule.${details.rule}`, { min: PASSWORD_MIN_LENGTH })}</Text>
          );
        return <Text size="sm">{t(`errors.${code}`)}</Text>;
      }}
    />
  );
}
