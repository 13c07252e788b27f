/** The one application window. Electron glue around security-policy.ts. */
import { BrowserWindow } from 'electron';
import { APP_ENTRY_URL, secureWebPreferences } from './security-policy';

export interface MainWindowOptions {
  preloadPath: string;
  allowDevTools: boolean;
  /** In development, electron-vite's dev server; otherwise the app:// entry. */
  url?: string;
  iconPath?: string;
}

export function mainWindowOptions(options: MainWindowOptions): Electron.BrowserWindowConstructorOptions {
  return {
    width: 1360,
    height: 860,
    minWidth: 1024,
    minHeight: 680,
    show: false,
    title: 'Tabib',
    backgroundColor: '#f8f9fa',
    autoHideMenuBar: true,
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: secureWebPreferences(options.preloadPath, options.allowDevTools),
  };
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(options));
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.url ?? APP_ENTRY_URL);
  return window;
}
