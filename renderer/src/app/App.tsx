import { Center, DirectionProvider, Loader, MantineProvider, Stack, Text, useDirection } from '@mantine/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppConfigView, Language } from '../../../main/contract/types';
import { ErrorAlert } from '../errors/ErrorAlert';
import { changeLanguage, directionOf } from '../i18n/i18n';
import { FirstRunScreen } from '../setup/FirstRunScreen';
import { ContractError, invoke, subscribe } from '../tabib-client';
import { ConfigContext, type ConfigContextValue } from './config-context';
import { Frame } from './Frame';
import { theme } from './theme';

type LoadState =
  { status: 'loading' } | { status: 'ready'; config: AppConfigView } | { status: 'error'; error: unknown };

function Workstation() {
  const { t } = useTranslation();
  const { setDirection } = useDirection();
  const [state, setState] = useState<LoadState>({ status: 'loading' });

  const apply = useCallback(
    async (config: AppConfigView) => {
      await changeLanguage(config.language);
      setDirection(directionOf(config.language));
      setState({ status: 'ready', config });
    },
    [setDirection],
  );

  const reload = useCallback(async () => {
    try {
      await apply(await invoke('config.get', {}));
    } catch (error) {
      setState({ status: 'error', error });
    }
  }, [apply]);

  useEffect(() => {
    // Loading from the services (an external system); state is set when the answer arrives.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void reload();
    return subscribe('config.changed', () => void reload());
  }, [reload]);

  const setLanguage = useCallback(
    async (language: Language) => {
      await apply(await invoke('settings.setLanguage', { language }));
    },
    [apply],
  );

  const context = useMemo<ConfigContextValue | null>(
    () => (state.status === 'ready' ? { config: state.config, setLanguage, reload } : null),
    [state, setLanguage, reload],
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
  if (state.status === 'error' || !context) {
    const error =
      state.status === 'error'
        ? state.error
        : new ContractError({ code: 'INTERNAL', message: 'no configuration' });
    return (
      <Center h="100%" p="xl">
        <ErrorAlert error={error} onRetry={() => void reload()} />
      </Center>
    );
  }
  return (
    <ConfigContext.Provider value={context}>
      {context.config.mode === 'unconfigured' ? <FirstRunScreen /> : <Frame />}
    </ConfigContext.Provider>
  );
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
