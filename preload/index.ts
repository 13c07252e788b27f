/**
 * The preload: exposes `window.tabib`, built from the contract, and nothing else (checklist 20).
 * Sandboxed, so it is bundled as CommonJS with its dependencies inlined.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildTabibBridge } from '../main/contract/bridge';
import {
  callChannel,
  callNames,
  eventChannel,
  eventNames,
  type RendererCallName,
  type EventName,
} from '../main/contract/names';

const api = buildTabibBridge(
  callNames,
  eventNames,
  (name, args) => ipcRenderer.invoke(callChannel(name as RendererCallName), args),
  (name, listener) => {
    const channel = eventChannel(name as EventName);
    const handler = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => ipcRenderer.removeListener(channel, handler);
  },
);

contextBridge.exposeInMainWorld('tabib', api);
