/**
 * The contract's server side: checks the caller may make the call (the session's guard), validates
 * arguments at the boundary and routes each call to its handler. It is the one place every call
 * passes through, whichever transport carried it (Electron IPC, the harness's playwright binding,
 * or the CLI in-process).
 */
import type { CallOrigin } from '../auth/call-guard';
import { calls, isCallName, type CallName, type CallResult, type ParsedCallArgs } from '../contract/contract';
import type { Envelope } from '../contract/errors';
import { toErrorShape } from '../errors';

export type Handlers = {
  [N in CallName]: (args: ParsedCallArgs<N>) => Promise<CallResult<N>> | CallResult<N>;
};

/** Refuses a call its caller may not make (throws a TabibError), before anything else runs. */
export type CallGuard = (name: CallName, origin: CallOrigin) => Promise<void> | void;

export class ContractServer {
  constructor(
    private readonly handlers: Handlers,
    private readonly guard: CallGuard | null = null,
  ) {}

  /**
   * Never rejects: every failure, even a throwing schema, becomes an error envelope. `origin`:
   * who calls — the renderer (checked against the session) or the host itself (trusted).
   */
  async handle(name: unknown, rawArgs: unknown, origin: CallOrigin = 'host'): Promise<Envelope<unknown>> {
    try {
      return await this.dispatch(name, rawArgs, origin);
    } catch (error) {
      return { ok: false, error: toErrorShape(error) };
    }
  }

  private async dispatch(name: unknown, rawArgs: unknown, origin: CallOrigin): Promise<Envelope<unknown>> {
    if (!isCallName(name)) {
      return { ok: false, error: { code: 'UNKNOWN_CALL', message: `No such call: ${String(name)}` } };
    }
    // Before the arguments are even looked at: a locked or anonymous caller learns nothing.
    await this.guard?.(name, origin);
    const parsed = calls[name].args.safeParse(rawArgs);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'INVALID_ARGUMENT',
          message: `Invalid arguments for ${name}`,
          details: {
            issues: parsed.error.issues.map((issue) => ({
              path: issue.path.map(String),
              code: issue.code,
              message: issue.message,
            })),
          },
        },
      };
    }
    try {
      const handler = this.handlers[name] as (args: unknown) => unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      return { ok: false, error: toErrorShape(error) };
    }
  }
}
