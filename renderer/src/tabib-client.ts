/**
 * The renderer's typed view of `window.tabib` (exposed by the preload in Electron, by the harness in
 * tests). Contract errors arrive as envelopes and are thrown here as ContractError.
 */
import type { CallArgs, CallName, CallResult, EventName, EventPayload } from '../../main/contract/contract';
import type { ContractErrorShape, Envelope, ErrorCode } from '../../main/contract/errors';

interface TabibWindowApi {
  on(name: string, listener: (payload: unknown) => void): () => void;
  [namespace: string]: unknown;
}

declare global {
  interface Window {
    tabib?: TabibWindowApi;
  }
}

export class ContractError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(shape: ContractErrorShape) {
    super(shape.message);
    this.code = shape.code;
    this.details = shape.details;
  }

  /** Paths of the invalid fields, from an INVALID_ARGUMENT error's details. */
  fieldPaths(): string[] {
    const issues = (this.details as { issues?: { path: string[] }[] } | undefined)?.issues ?? [];
    return [...new Set(issues.map((issue) => issue.path.join('.')))];
  }
}

function api(): TabibWindowApi {
  if (!window.tabib)
    throw new ContractError({ code: 'SERVICE_UNAVAILABLE', message: 'window.tabib is missing' });
  return window.tabib;
}

/**
 * Asked when main refuses to open a chart without a reason (BREAK_GLASS_REQUIRED): the reason the
 * practitioner gives (renderer/src/auth/BreakGlassDialog.tsx), or null if they give up. Whoever
 * opens a chart then needs nothing of its own for break-the-glass.
 */
type BreakGlassReason = (patientId: string) => Promise<string | null>;
let askBreakGlassReason: BreakGlassReason | null = null;

export function onBreakGlassRequired(ask: BreakGlassReason): () => void {
  askBreakGlassReason = ask;
  return () => {
    if (askBreakGlassReason === ask) askBreakGlassReason = null;
  };
}

export async function invoke<N extends CallName>(name: N, args: CallArgs<N>): Promise<CallResult<N>> {
  let node: unknown = api();
  for (const part of name.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== 'function')
    throw new ContractError({ code: 'UNKNOWN_CALL', message: `No such call: ${name}` });
  const envelope = (await (node as (args: unknown) => Promise<Envelope<CallResult<N>>>)(args)) ?? null;
  if (!envelope || typeof envelope !== 'object' || !('ok' in envelope)) {
    throw new ContractError({ code: 'INTERNAL', message: `Malformed answer to ${name}` });
  }
  if (!envelope.ok) {
    const request = args as { patientId?: unknown; reason?: unknown };
    if (
      envelope.error.code === 'BREAK_GLASS_REQUIRED' &&
      name === 'patients.openChart' &&
      askBreakGlassReason &&
      typeof request.patientId === 'string' &&
      request.reason === undefined
    ) {
      const reason = await askBreakGlassReason(request.patientId);
      if (reason) return invoke(name, { ...args, reason } as CallArgs<N>);
    }
    throw new ContractError(envelope.error);
  }
  return envelope.value;
}

/** For tests and diagnostics: sends any name and arguments, bypassing the types. */
export function invokeUnchecked(name: string, args: unknown): Promise<unknown> {
  return invoke(name as CallName, args as never);
}

export function subscribe<N extends EventName>(
  name: N,
  listener: (payload: EventPayload<N>) => void,
): () => void {
  return api().on(name, listener as (payload: unknown) => void);
}
