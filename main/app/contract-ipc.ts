/**
 * Registers one IPC handler per contract call and forwards main→renderer events. Every call's
 * sender is checked (checklist 17): it must be the main frame of our window, at our origin.
 */
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { callChannel, callNames, eventChannel, type EventName } from '../contract/contract';
import type { Envelope } from '../contract/errors';
import type { RendererServiceHost } from '../services/service-host';
import { isAppOrigin } from './security-policy';

export function isTrustedSender(
  event: IpcMainInvokeEvent,
  window: BrowserWindow | null,
  devOrigin: string | null,
): boolean {
  const frame = event.senderFrame;
  if (!frame || !window || event.sender !== window.webContents || frame !== window.webContents.mainFrame)
    return false;
  if (isAppOrigin(frame.url)) return true;
  return devOrigin !== null && new URL(frame.url).origin === devOrigin;
}

/** `host`: the services as the renderer reaches them (WorkerHost.forRenderer): guarded by the session. */
export function registerContractIpc(
  ipcMain: IpcMain,
  host: RendererServiceHost,
  getWindow: () => BrowserWindow | null,
  devOrigin: string | null,
): () => void {
  for (const name of callNames) {
    ipcMain.handle(
      callChannel(name),
      (event, args: unknown): Promise<Envelope<unknown>> | Envelope<unknown> => {
        if (!isTrustedSender(event, getWindow(), devOrigin)) {
          return { ok: false, error: { code: 'FORBIDDEN_SENDER', message: 'Call refused: unknown sender' } };
        }
        return host.invoke(name, args);
      },
    );
  }
  const unsubscribe = host.onEvent((name, payload) => {
    const window = getWindow();
    if (window && !window.isDestroyed()) window.webContents.send(eventChannel(name as EventName), payload);
  });
  return () => {
    unsubscribe();
    for (const name of callNames) ipcMain.removeHandler(callChannel(name));
  };
}
