/**
 * The services behind the contract, built from an environment. The same composition runs in the
 * services worker (the app and the harness) and in-process (the CLI and unit tests).
 */
import { threadId, isMainThread } from 'node:worker_threads';
import type { Keychain } from '../../native/keychain/keychain';
import type { AppInfo } from '../contract/types';
import type { EventName, EventPayload } from '../contract/contract';
import { ConfigStore } from '../config/config-store';
import { dataLayout, type DataLayout } from '../config/paths';
import { buildHealthReport } from '../health/health-report';
import { WorkstationSetup } from '../setup/workstation-setup';
import type { Handlers } from './contract-server';

export interface ServiceEnvironment {
  dataDir: string;
  machineConfigPath: string;
  resourcesDir: string;
  appVersion: string;
  electronVersion: string | null;
}

export interface Services {
  env: ServiceEnvironment;
  layout: DataLayout;
  config: ConfigStore;
  keychain: Keychain;
  setup: WorkstationSetup;
}

export function createServices(env: ServiceEnvironment, keychain: Keychain): Services {
  const layout = dataLayout(env.dataDir);
  const config = new ConfigStore(layout.userConfig, env.machineConfigPath);
  return { env, layout, config, keychain, setup: new WorkstationSetup(config, keychain, layout.credentials) };
}

export function appInfo(services: Services): AppInfo {
  return {
    name: 'Tabib',
    version: services.env.appVersion,
    runtime: {
      node: process.versions.node,
      electron: services.env.electronVersion,
      platform: process.platform,
      arch: process.arch,
    },
    dataDir: services.env.dataDir,
    serviceThread: { threadId, isMainThread },
  };
}

export type EventSink = <N extends EventName>(name: N, payload: EventPayload<N>) => void;

export function createHandlers(services: Services, emit: EventSink): Handlers {
  return {
    'app.info': () => appInfo(services),
    'app.health': () =>
      buildHealthReport({ layout: services.layout, config: services.config, keychain: services.keychain }),
    'config.get': () => services.config.view(),
    'settings.setLanguage': ({ language }) => {
      services.config.update({ language });
      emit('config.changed', { reason: 'language' });
      return services.config.view();
    },
    'setup.enrol': async (request) => {
      const result = await services.setup.enrol(request);
      emit('config.changed', { reason: 'enrolment' });
      return result;
    },
    'setup.startDemo': ({ country }) => {
      const view = services.setup.startDemo(country);
      emit('config.changed', { reason: 'demo' });
      return view;
    },
  };
}
