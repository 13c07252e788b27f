/**
 * The contract's server side: validates arguments at the boundary and routes each call to its
 * handler. It is the one place every renderer call passes through, whichever transport carried
 * it (Electron IPC, the harness's playwright binding, or the CLI in-process).
 */
import { calls, isCallName, type CallName, type CallResult, type ParsedCallArgs } from '../contract/contract';
import type { Envelope } from '../contract/errors';
import { toErrorShape } from '../errors';

export type Handlers = {
  [N in CallName]: (args: ParsedCallArgs<N>) => Promise<CallResult<N>> | CallResult<N>;
};

export class ContractServer {
  constructor(private readonly handlers: Handlers) {}

  /** Never rejects: every failure, even a throwing schema, becomes an error envelope. */
  async handle(name: unknown, rawArgs: unknown): Promise<Envelope<unknown>> {
    try {
      return await this.dispatch(name, rawArgs);
    } catch (error) {
      return { ok: false, error: toErrorShape(error) };
    }
  }

  private async dispatch(name: unknown, rawArgs: unknown): Promise<Envelope<unknown>> {
    if (!isCallName(name)) {
      return { ok: false, error: { code: 'UNKNOWN_CALL', message: `No such call: ${String(name)}` } };
    }
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
