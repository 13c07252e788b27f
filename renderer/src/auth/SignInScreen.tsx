import {
  Badge,
  Button,
  Code,
  Group,
  Kbd,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { IconFlask, IconLogin } from '@tabler/icons-react';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuthStatus, DemoAccountView } from '../../../main/contract/auth-types';
import { useConfig } from '../app/config-context';
import { invoke } from '../tabib-client';
import { AuthErrorAlert } from './AuthErrorAlert';
import { AuthScreen } from './AuthScreen';
import { useFormAction } from './use-form-action';

/** A demonstration's accounts: one click fills the form with the account and the demo password. */
function DemoAccounts({
  accounts,
  password,
  selected,
  onPick,
}: {
  accounts: DemoAccountView[];
  password: string;
  selected: string;
  onPick: (account: DemoAccountView) => void;
}) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" radius="md" bg="teal.0" data-testid="demo-accounts">
      <Stack gap="sm">
        <Group gap="xs">
          <IconFlask size={18} aria-hidden />
          <Title order={4}>{t('auth.signIn.demoTitle')}</Title>
        </Group>
        <Text size="sm">
          {t('auth.signIn.demoPassword')}{' '}
          <Code dir="ltr" data-testid="demo-password" style={{ whiteSpace: 'nowrap' }}>
            {password}
          </Code>
        </Text>
        <Stack gap={6}>
          {accounts.map((account) => (
            <UnstyledButton
              key={account.username}
              onClick={() => onPick(account)}
              aria-pressed={selected === account.username}
              data-testid={`demo-account-${account.role}`}
              className="tabib-demo-account"
            >
              <Group justify="space-between" wrap="nowrap" px="sm" py={6}>
                <Stack gap={0}>
                  <Text size="sm" fw={600}>
                    {account.displayName}
                  </Text>
                  <Text size="xs" c="dimmed" dir="ltr" ta="start">
                    {account.username}
                  </Text>
                </Stack>
                <Badge variant="light">{t(`auth.role.${account.role}`)}</Badge>
              </Group>
            </UnstyledButton>
          ))}
        </Stack>
      </Stack>
    </Paper>
  );
}

/**
 * Sign-in: user name and password (Enter signs in); in a demonstration, its accounts to pick from
 * and their one password. Wrong passwords count towards the account's lockout, which the error
 * says with the time it ends.
 */
export function SignInScreen({ status, onSignedIn }: { status: AuthStatus; onSignedIn: () => void }) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run, reset } = useFormAction();
  const passwordInput = useRef<HTMLInputElement>(null);

  async function signIn(event: FormEvent) {
    event.preventDefault();
    const signedIn = await run(() => invoke('auth.signIn', { username, password }));
    if (signedIn) onSignedIn();
    else {
      setPassword('');
      passwordInput.current?.focus();
    }
  }

  return (
    <AuthScreen width={440} testId="sign-in">
      <Paper
        withBorder
        p="lg"
        radius="md"
        component="form"
        onSubmit={(event) => void signIn(event)}
        data-testid="sign-in-form"
      >
        <Stack>
          <Title order={2} size="h3">
            {t('auth.signIn.title')}
          </Title>
          {error !== null && (
            <AuthErrorAlert error={error} language={config.language} country={config.country} />
          )}
          <TextInput
            label={t('auth.username')}
            name="username"
            autoComplete="username"
            dir="ltr"
            autoFocus
            required
            value={username}
            onChange={(event) => setUsername(event.currentTarget.value)}
            data-testid="sign-in-username"
          />
          <PasswordInput
            ref={passwordInput}
            label={t('auth.password')}
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            data-testid="sign-in-password"
          />
          <Button
            type="submit"
            loading={busy}
            leftSection={<IconLogin size={18} aria-hidden />}
            rightSection={<Kbd size="xs">{t('auth.keys.enter')}</Kbd>}
            aria-keyshortcuts="Enter"
            data-testid="sign-in-submit"
          >
            {t('auth.signIn.submit')}
          </Button>
        </Stack>
      </Paper>
      {status.demo && (
        <DemoAccounts
          accounts={status.demo.accounts}
          password={status.demo.password}
          selected={username}
          onPick={(account) => {
            setUsername(account.username);
            setPassword(status.demo?.password ?? '');
            reset();
            passwordInput.current?.focus();
          }}
        />
      )}
    </AuthScreen>
  );
}
