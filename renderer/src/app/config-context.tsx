import { createContext, useContext } from 'react';
import type { AppConfigView, Language } from '../../../main/contract/types';

export interface ConfigContextValue {
  config: AppConfigView;
  setLanguage(language: Language): Promise<void>;
  reload(): Promise<void>;
}

export const ConfigContext = createContext<ConfigContextValue | null>(null);

export function useConfig(): ConfigContextValue {
  const value = useContext(ConfigContext);
  if (!value) throw new Error('useConfig outside ConfigContext');
  return value;
}
