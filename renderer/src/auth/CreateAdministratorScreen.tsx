import { Button, Group, Kbd, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconShieldLock } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PASSWORD_MIN_LENGTH } from '../../../main/contract/auth-types';
import { useConfig } from '../app/config-context';
import { ContractError, invoke } from '../tabib-client';
import { AuthErrorAlert } from './AuthErrorAlert';
import { AuthScreen } from './AuthScreen';
import { passwordHint } from './password-hints';
import { useFormAction } from './use-form-action';

const fields = ['username', 'displayName', 'password'] as const;

/**
 * First run of an enrolled workstation: nobody has an account yet, so the person setting it up
 * creates the first administrator (and is signed in as them). Main accepts this only while no
 * account exists.
 */
export function CreateAdministratorScreen({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const [values, setValues] = useState({ username: '', displayName: '', password: '', confirmation: '' });
  const [touched, setTouched] = useState(false);
  const { busy, error, run } = useFormAction();
  const invalid = new Set(error instanceof ContractError ? error.fieldPaths() : []);
  const labels = {
    username: t('auth.username'),
    displayName: t('auth.displayName'),
    password: t('auth.newPassword'),
  };
  const passwordProblem = passwordHint(values.password, values.username, t);
  const mismatch = values.confirmation !== values.password;

  async function create(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (passwordProblem || mismatch) return;
    const created = await run(() =>
      invoke('auth.createAdministrator', {
        username: values.username,
        displayName: values.displayName,
        password: values.password,
      }),
    );
    if (created) onCreated();
  }

  return (
    <AuthScreen width={480} testId="create-administrator">
      <Paper
        withBorder
        p="lg"
        radius="md"
        component="form"
        onSubmit={(event) => void create(event)}
        noValidate
      >
        <Stack>
          <Group gap="sm">
            <IconShieldLock aria-hidden />
            <Title order={2} size="h3">
              {t('auth.createAdministrator.title')}
            </Title>
          </Group>
          <Text size="sm" c="dimmed">
            {t('auth.createAdministrator.description')}
          </Text>
          {error !== null && (
            <AuthErrorAlert
              error={error}
              language={config.language}
              country={config.country}
              fieldLabels={labels}
            />
          )}
          {fields.map((field) =>
            field === 'password' ? (
              <PasswordInput
                key={field}
                label={labels.password}
                description={t('auth.passwordRule.hint', { min: PASSWORD_MIN_LENGTH })}
                autoComplete="new-password"
                required
                value={values.password}
                error={(touched && passwordProblem) || invalid.has('password')}
                onChange={(event) => setValues({ ...values, password: event.currentTarget.value })}
                data-testid="admin-password"
              />
            ) : (
              <TextInput
                key={field}
                label={labels[field]}
                autoComplete={field === 'username' ? 'username' : 'name'}
                dir={field === 'username' ? 'ltr' : 'auto'}
                autoFocus={field === 'username'}
                required
                value={values[field]}
                error={invalid.has(field)}
                onChange={(event) => setValues({ ...values, [field]: event.currentTarget.value })}
                data-testid={`admin-${field}`}
              />
            ),
          )}
          <PasswordInput
            label={t('auth.confirmPassword')}
            autoComplete="new-password"
            required
            value={values.confirmation}
            error={touched && mismatch && t('auth.passwordMismatch')}
            onChange={(event) => setValues({ ...values, confirmation: event.currentTarget.value })}
            data-testid="admin-confirmation"
          />
          <Button
            type="submit"
            loading={busy}
            rightSection={<Kbd size="xs">{t('auth.keys.enter')}</Kbd>}
            aria-keyshortcuts="Enter"
            w="fit-content"
            data-testid="admin-create"
          >
            {t('auth.createAdministrator.submit')}
          </Button>
        </Stack>
      </Paper>
    </AuthScreen>
  );
}
