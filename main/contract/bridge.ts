/**
 * Builds `window.tabib` from the contract's names. The SAME function runs in the preload (over
 * ipcRenderer) and in the e2e harness (over playwright bindings), which serialises it with
 * Function.prototype.toString — so it must stay self-contained: no imports, no closures.
 *
 * `tabib.app.info({})` → invoke('app.info', {}) → an Envelope, never a rejected promise for a
 * contract error (Electron's IPC would drop an Error's code and details).
 */
export type Invoke = (name: string, args: unknown) => Promise<unknown>;
export type Subscribe = (name: string, listener: (payload: unknown) => void) => () => void;

export function buildTabibBridge(
  callNames: readonly string[],
  eventNames: readonly string[],
  invoke: Invoke,
  subscribe: Subscribe,
): Record<string, unknown> {
  const api: Record<string, unknown> = {};
  for (const name of callNames) {
    const parts = name.split('.');
    let node = api;
    for (const part of parts.slice(0, -1)) {
      node[part] = (node[part] as Record<string, unknown> | undefined) ?? {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1] as string] = (args?: unknown) =>
      invoke(name, args === undefined ? {} : args);
  }
  const known = new Set(eventNames);
  api.on = (name: string, listener: (payload: unknown) => void) => {
    if (!known.has(name)) throw new TypeError(`Unknown Tabib event: ${name}`);
    return subscribe(name, listener);
  };
  api.events = [...eventNames];
  return Object.freeze(api);
}
