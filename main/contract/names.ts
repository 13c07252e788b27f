/**
 * The contract's names alone, without schemas, for the preload (which must stay small and
 * dependency-free). contract.ts is typed against these lists, so a call or event declared in one
 * and not the other fails to compile.
 */
export const callNames = [
  'app.info',
  'app.health',
  'config.get',
  'settings.setLanguage',
  'setup.enrol',
  'setup.startDemo',
] as const;
export type CallName = (typeof callNames)[number];

export const eventNames = ['config.changed', 'sync.progress', 'card.inserted', 'card.removed'] as const;
export type EventName = (typeof eventNames)[number];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && (callNames as readonly string[]).includes(name);
}

/** Channel names on Electron IPC. One prefix, so the sender check and logs can recognise them. */
export const callChannel = (name: CallName): string => `tabib:call:${name}`;
export const eventChannel = (name: EventName): string => `tabib:event:${name}`;
