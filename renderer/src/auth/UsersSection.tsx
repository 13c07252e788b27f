import {
  Badge,
  Button,
  Checkbox,
  Group,
  Kbd,
  Loader,
  Modal,
  NumberInput,
  Paper,
  PasswordInput,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { IconKey, IconPencil, IconUserPlus } from '@tabler/icons-react';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuthStatus, PractitionerAccountView } from '../../../main/contract/auth-types';
import { PASSWORD_MIN_LENGTH } from '../../../main/contract/auth-types';
import { roles, type Role } from '../../../main/contract/permissions';
import { useConfig } from '../app/config-context';
import { ErrorAlert } from '../errors/ErrorAlert';
import { formatDateTime } from '../i18n/format';
import { ContractError, invoke } from '../tabib-client';
import { AuthErrorAlert } from './AuthErrorAlert';
import { passwordHint } from './password-hints';
import { useSession } from './session-context';
import { useFormAction } from './use-form-action';

/** The idle delay's bounds (main/contract/features/auth-contract.ts). */
const IDLE_MIN = 1;
const IDLE_MAX = 240;

type Editing =
  | { kind: 'create' }
  | { kind: 'edit'; account: PractitionerAccountView }
  | { kind: 'password'; account: PractitionerAccountView }
  | null;

function RolePicker({ value, onChange }: { value: Role[]; onChange: (roles: Role[]) => void }) {
  const { t } = useTranslation();
  return (
    <Checkbox.Group
      label={t('auth.users.roles')}
      value={value}
      onChange={(next) => onChange(next as Role[])}
      required
      data-testid="account-roles"
    >
      <Group mt={6}>
        {roles.map((role) => (
          <Checkbox
            key={role}
            value={role}
            label={t(`auth.role.${role}`)}
            data-testid={`account-role-${role}`}
          />
        ))}
      </Group>
    </Checkbox.Group>
  );
}

function SubmitButton({ busy, label }: { busy: boolean; label: string }) {
  const { t } = useTranslation();
  return (
    <Button
      type="submit"
      loading={busy}
      rightSection={<Kbd size="xs">{t('auth.keys.enter')}</Kbd>}
      aria-keyshortcuts="Enter"
      w="fit-content"
      data-testid="account-submit"
    >
      {label}
    </Button>
  );
}

/** A new account: user name, display name, roles, first password (the policy said as one types). */
function CreateAccountForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const [values, setValues] = useState({ username: '', displayName: '', password: '' });
  const [chosen, setChosen] = useState<Role[]>([]);
  const [touched, setTouched] = useState(false);
  const { busy, error, run } = useFormAction();
  const invalid = new Set(error instanceof ContractError ? error.fieldPaths() : []);
  const problem = passwordHint(values.password, values.username, t);
  const labels = {
    username: t('auth.username'),
    displayName: t('auth.displayName'),
    roles: t('auth.users.roles'),
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (problem || chosen.length === 0) return;
    if (await run(() => invoke('users.create', { ...values, roles: chosen }))) onDone();
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack>
        {error !== null && (
          <AuthErrorAlert
            error={error}
            language={config.language}
            country={config.country}
            fieldLabels={labels}
          />
        )}
        <TextInput
          label={labels.username}
          dir="ltr"
          data-autofocus
          required
          value={values.username}
          error={invalid.has('username')}
          onChange={(event) => setValues({ ...values, username: event.currentTarget.value })}
          data-testid="account-username"
        />
        <TextInput
          label={labels.displayName}
          dir="auto"
          required
          value={values.displayName}
          error={invalid.has('displayName')}
          onChange={(event) => setValues({ ...values, displayName: event.currentTarget.value })}
          data-testid="account-display-name"
        />
        <RolePicker value={chosen} onChange={setChosen} />
        {touched && chosen.length === 0 && (
          <Text size="sm" c="red">
            {t('auth.users.roleRequired')}
          </Text>
        )}
        <PasswordInput
          label={t('auth.users.firstPassword')}
          description={t('auth.passwordRule.hint', { min: PASSWORD_MIN_LENGTH })}
          autoComplete="new-password"
          required
          value={values.password}
          error={touched && problem}
          onChange={(event) => setValues({ ...values, password: event.currentTarget.value })}
          data-testid="account-password"
        />
        <SubmitButton busy={busy} label={t('auth.users.create')} />
      </Stack>
    </form>
  );
}

/** Display name, roles, disabled; the last enabled administrator stays one (main says LAST_ADMINISTRATOR). */
function EditAccountForm({ account, onDone }: { account: PractitionerAccountView; onDone: () => void }) {
  const { t } = useTranslation();
  const [displayName, setDisplayName] = useState(account.displayName);
  const [chosen, setChosen] = useState<Role[]>(account.roles);
  const [disabled, setDisabled] = useState(account.disabled);
  const { busy, error, run } = useFormAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (chosen.length === 0) return;
    if (await run(() => invoke('users.update', { id: account.id, displayName, roles: chosen, disabled })))
      onDone();
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack>
        {error !== null && (
          <ErrorAlert
            error={error}
            fieldLabels={{ displayName: t('auth.displayName'), roles: t('auth.users.roles') }}
          />
        )}
        <TextInput label={t('auth.username')} dir="ltr" value={account.username} readOnly />
        <TextInput
          label={t('auth.displayName')}
          dir="auto"
          data-autofocus
          required
          value={displayName}
          onChange={(event) => setDisplayName(event.currentTarget.value)}
          data-testid="account-display-name"
        />
        <RolePicker value={chosen} onChange={setChosen} />
        {chosen.length === 0 && (
          <Text size="sm" c="red">
            {t('auth.users.roleRequired')}
          </Text>
        )}
        <Switch
          label={t('auth.users.disabled')}
          description={t('auth.users.disabledHint')}
          checked={disabled}
          onChange={(event) => setDisabled(event.currentTarget.checked)}
          data-testid="account-disabled"
        />
        <SubmitButton busy={busy} label={t('auth.users.save')} />
      </Stack>
    </form>
  );
}

/** An administrator gives a new password (a forgotten one, a lockout to end). */
function ResetPasswordForm({ account, onDone }: { account: PractitionerAccountView; onDone: () => void }) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const { busy, error, run } = useFormAction();
  const problem = passwordHint(password, account.username, t);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (problem) return;
    if (await run(() => invoke('users.resetPassword', { id: account.id, password }))) onDone();
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack>
        <Text size="sm">{t('auth.users.resetDescription', { name: account.displayName })}</Text>
        {error !== null && (
          <AuthErrorAlert error={error} language={config.language} country={config.country} />
        )}
        <PasswordInput
          label={t('auth.newPassword')}
          description={t('auth.passwordRule.hint', { min: PASSWORD_MIN_LENGTH })}
          autoComplete="new-password"
          data-autofocus
          required
          value={password}
          error={touched && problem}
          onChange={(event) => setPassword(event.currentTarget.value)}
          data-testid="account-new-password"
        />
        <SubmitButton busy={busy} label={t('auth.users.resetPassword')} />
      </Stack>
    </form>
  );
}

/** The idle lock's delay, for every session of this workstation (unless the machine-wide configuration fixes it). */
function IdleDelay({ status }: { status: AuthStatus }) {
  const { t } = useTranslation();
  const [minutes, setMinutes] = useState<number | string>(status.idleLockMinutes);
  const { busy, error, run } = useFormAction();
  const valid =
    typeof minutes === 'number' && Number.isInteger(minutes) && minutes >= IDLE_MIN && minutes <= IDLE_MAX;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!valid) return;
    await run(() => invoke('users.setIdleLock', { minutes }));
  }

  const field = (
    <NumberInput
      label={t('auth.users.idleDelay')}
      description={t('auth.users.idleDelayHint')}
      min={IDLE_MIN}
      max={IDLE_MAX}
      allowDecimal={false}
      clampBehavior="none"
      suffix={` ${t('auth.users.minutes')}`}
      w={260}
      disabled={status.idleLockFixed}
      value={minutes}
      error={!valid && t('auth.users.idleDelayRange', { min: IDLE_MIN, max: IDLE_MAX })}
      onChange={setMinutes}
      data-testid="idle-delay"
    />
  );
  return (
    <Stack component="form" onSubmit={(event: FormEvent) => void submit(event)} gap="xs">
      {error !== null && <ErrorAlert error={error} />}
      <Group align="flex-end">
        {status.idleLockFixed ? <Tooltip label={t('admin.locked')}>{field}</Tooltip> : field}
        <Button
          type="submit"
          variant="light"
          loading={busy}
          disabled={status.idleLockFixed || !valid || minutes === status.idleLockMinutes}
          rightSection={<Kbd size="xs">{t('auth.keys.enter')}</Kbd>}
          data-testid="idle-delay-save"
        >
          {t('auth.users.save')}
        </Button>
      </Group>
    </Stack>
  );
}

/**
 * Administration: the workstation's practitioner accounts (create, roles, disable, reset a
 * password) and the idle lock's delay. Shown to those who may manage users; main checks it anyway.
 */
export function UsersSection() {
  const { t } = useTranslation();
  const { config } = useConfig();
  const { status, user } = useSession();
  const [accounts, setAccounts] = useState<PractitionerAccountView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Editing>(null);

  const load = useCallback(async () => {
    try {
      setAccounts(await invoke('users.list', {}));
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  }, []);

  useEffect(() => {
    // Loading from the services (an external system); state is set when the answer arrives.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load]);

  const done = () => {
    setEditing(null);
    void load();
  };

  const title =
    editing?.kind === 'create'
      ? t('auth.users.createTitle')
      : editing?.kind === 'edit'
        ? t('auth.users.editTitle', { name: editing.account.displayName })
        : editing?.kind === 'password'
          ? t('auth.users.resetTitle', { name: editing.account.displayName })
          : '';

  return (
    <Paper withBorder p="md" radius="md" data-testid="users-section">
      <Group justify="space-between" mb="sm">
        <Title order={4}>{t('auth.users.title')}</Title>
        <Button
          variant="light"
          leftSection={<IconUserPlus size={16} aria-hidden />}
          onClick={() => setEditing({ kind: 'create' })}
          data-testid="users-create"
        >
          {t('auth.users.new')}
        </Button>
      </Group>
      {error !== null && <ErrorAlert error={error} onRetry={() => void load()} />}
      {accounts === null && error === null && <Loader size="sm" />}
      {accounts && (
        <Table data-testid="users-table" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('auth.displayName')}</Table.Th>
              <Table.Th>{t('auth.username')}</Table.Th>
              <Table.Th>{t('auth.users.roles')}</Table.Th>
              <Table.Th>{t('auth.users.state')}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t('auth.users.actions')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {accounts.map((account) => (
              <Table.Tr key={account.id} data-username={account.username}>
                <Table.Td>
                  <Text size="sm" fw={600} dir="auto">
                    {account.displayName}
                    {account.id === user.id && (
                      <Text span size="xs" c="dimmed" ms={6}>
                        {t('auth.users.you')}
                      </Text>
                    )}
                  </Text>
                </Table.Td>
                <Table.Td dir="ltr" ta="start">
                  {account.username}
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {account.roles.map((role) => (
                      <Badge key={role} variant="light" size="sm">
                        {t(`auth.role.${role}`)}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  {account.disabled ? (
                    <Badge color="gray">{t('auth.users.stateDisabled')}</Badge>
                  ) : account.lockedOutUntil ? (
                    <Badge color="red">
                      {t('auth.users.stateLockedOut', {
                        date: formatDateTime(account.lockedOutUntil, config.language, config.country),
                      })}
                    </Badge>
                  ) : (
                    <Badge color="teal" variant="light">
                      {t('auth.users.stateActive')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    <Button
                      size="xs"
                      variant="subtle"
                      leftSection={<IconPencil size={14} aria-hidden />}
                      onClick={() => setEditing({ kind: 'edit', account })}
                      aria-label={t('auth.users.editTitle', { name: account.displayName })}
                      data-testid="account-edit"
                    >
                      {t('auth.users.edit')}
                    </Button>
                    <Button
                      size="xs"
                      variant="subtle"
                      leftSection={<IconKey size={14} aria-hidden />}
                      onClick={() => setEditing({ kind: 'password', account })}
                      aria-label={t('auth.users.resetTitle', { name: account.displayName })}
                      data-testid="account-reset"
                    >
                      {t('auth.users.resetPassword')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Stack mt="md">
        <IdleDelay key={status.idleLockMinutes} status={status} />
      </Stack>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={title}
        size="lg"
        classNames={{ content: 'tabib-auth-screen' }}
        closeButtonProps={{ 'aria-label': t('auth.users.close') }}
      >
        {editing?.kind === 'create' && <CreateAccountForm onDone={done} />}
        {editing?.kind === 'edit' && <EditAccountForm account={editing.account} onDone={done} />}
        {editing?.kind === 'password' && <ResetPasswordForm account={editing.account} onDone={done} />}
      </Modal>
    </Paper>
  );
}
