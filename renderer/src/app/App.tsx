import {
  Center,
  DirectionProvider,
  Loader,
  MantineProvider,
  MantineThemeProvider,
  Stack,
  Text,
  useDirection,
  type MantineThemeOverride,
} from '@mantine/core';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuthStatus, SessionUser } from '../../../main/contract/auth-types';
import type { AppConfigView, Country, Language } from '../../../main/contract/types';
import '../auth/auth.css';
import { BreakGlassDialog } from '../auth/BreakGlassDialog';
import { CreateAdministratorScreen } from '../auth/CreateAdministratorScreen';
import { LockScreen } from '../auth/LockScreen';
import { SessionContext, sessionContextValue } from '../auth/session-context';
import { SignInScreen } from '../auth/SignInScreen';
import { useActivityReport } from '../auth/use-activity-report';
import { ErrorAlert } from '../errors/ErrorAlert';
import { changeLanguage, directionOf } from '../i18n/i18n';
import { FirstRunScreen } from '../setup/FirstRunScreen';
import { invoke, subscribe } from '../tabib-client';
import { ConfigContext, type ConfigContextValue } from './config-context';
import { Frame } from './Frame';
import { theme } from './theme';

/**
 * What the window shows comes from two answers of main: the session (auth.status) and the
 * configuration (config.get). A locked session answers only auth.status, so while locked the
 * configuration last read is kept (or, after a reload of the window, there is none: the lock
 * screen draws from the session alone).
 */
type LoadState =
  | { status: 'loading' }
  | { status: 'ready'; auth: AuthStatus; config: AppConfigView | null }
  | { status: 'error'; error: unknown };

/**
 * The workspace of the signed-in practitioner. While the session is locked it stays mounted —
 * the chart they had open is there after unlocking — but hidden and inert, its dialogs and menus
 * too (they are portalled inside it, not into the page's body), under the lock screen. Signing
 * out unmounts it: nothing of the patients it showed stays in the renderer.
 */
function Workspace({
  status,
  user,
  country,
  reload,
}: {
  status: AuthStatus;
  user: SessionUser;
  country: Country;
  reload: () => Promise<void>;
}) {
  const locked = status.state === 'locked';
  useActivityReport(!locked);
  const session = useMemo(
    () =>
      sessionContextValue(
        { ...status, user },
        {
          lock: async () => {
            await invoke('auth.lock', {}).catch(() => undefined);
            await reload();
          },
          signOut: async () => {
            await invoke('auth.signOut', {}).catch(() => undefined);
            await reload();
          },
        },
      ),
    [status, user, reload],
  );
  const [portals, setPortals] = useState<HTMLDivElement | null>(null);
  const portalled = useMemo<MantineThemeOverride | null>(
    () => (portals ? { components: { Portal: { defaultProps: { target: portals } } } } : null),
    [portals],
  );
  return (
    <SessionContext.Provider value={session}>
      <div className="tabib-workspace" hidden={locked} inert={locked} data-testid="workspace">
        <div ref={setPortals} />
        {portalled && (
          <MantineThemeProvider theme={portalled}>
            <Frame />
            <BreakGlassDialog />
          </MantineThemeProvider>
        )}
      </div>
      {locked && <LockScreen status={status} user={user} country={country} onChanged={() => void reload()} />}
    </SessionContext.Provider>
  );
}

function Workstation() {
  const { t } = useTranslation();
  const { setDirection } = useDirection();
  const [state, setState] = useState<LoadState>({ status: 'loading' });
  /** Only the answer to the latest load is shown (events may start several at once). */
  const latest = useRef(0);

  const showLanguage = useCallback(
    async (language: Language) => {
      await changeLanguage(language);
      setDirection(directionOf(language));
    },
    [setDirection],
  );

  const reload = useCallback(async () => {
    const load = ++latest.current;
    try {
      const auth = await invoke('auth.status', {});
      const config = auth.state === 'locked' ? null : await invoke('config.get', {});
      if (load !== latest.current) return;
      await showLanguage(config?.language ?? auth.language);
      setState((previous) => ({
        status: 'ready',
        auth,
        config: config ?? (previous.status === 'ready' ? previous.config : null),
      }));
    } catch (error) {
      if (load === latest.current) setState({ status: 'error', error });
    }
  }, [showLanguage]);

  useEffect(() => {
    // Loading from the services (an external system); state is set when the answer arrives.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void reload();
    const offConfig = subscribe('config.changed', () => void reload());
    const offAuth = subscribe('auth.changed', () => void reload());
    return () => {
      offConfig();
      offAuth();
    };
  }, [reload]);

  const setLanguage = useCallback(
    async (language: Language) => {
      const config = await invoke('settings.setLanguage', { language });
      await showLanguage(config.language);
      setState((previous) => (previous.status === 'ready' ? { ...previous, config } : previous));
    },
    [showLanguage],
  );

  if (state.status === 'loading') {
    return (
      <Center h="100%">
        <Stack align="center">
          <Loader />
          <Text>{t('app.loading')}</Text>
        </Stack>
      </Center>
    );
  }
  if (state.status === 'error') {
    return (
      <Center h="100%" p="xl">
        <ErrorAlert error={state.error} onRetry={() => void reload()} />
      </Center>
    );
  }
  const { auth, config } = state;
  if (!config) {
    // The window was reloaded while the session is locked: only the lock screen can be drawn.
    return auth.user ? (
      <LockScreen status={auth} user={auth.user} country="MA" onChanged={() => void reload()} />
    ) : null;
  }
  let screen;
  if (config.mode === 'unconfigured') screen = <FirstRunScreen />;
  else if (auth.state === 'noAccounts')
    screen = <CreateAdministratorScreen onCreated={() => void reload()} />;
  else if (auth.state === 'signedOut' || !auth.user)
    screen = <SignInScreen status={auth} onSignedIn={() => void reload()} />;
  else
    screen = (
      <Workspace key={auth.user.id} status={auth} user={auth.user} country={config.country} reload={reload} />
    );
  return (
    <ConfigProvider config={config} setLanguage={setLanguage} reload={reload}>
      {screen}
    </ConfigProvider>
  );
}

function ConfigProvider({ children, ...value }: ConfigContextValue & { children: ReactNode }) {
  const { config, setLanguage, reload } = value;
  const context = useMemo(() => ({ config, setLanguage, reload }), [config, setLanguage, reload]);
  return <ConfigContext.Provider value={context}>{children}</ConfigContext.Provider>;
}

export function App() {
  return (
    <DirectionProvider initialDirection="ltr" detectDirection={false}>
      <MantineProvider theme={theme} defaultColorScheme="light">
        <Workstation />
      </MantineProvider>
    </DirectionProvider>
  );
}
