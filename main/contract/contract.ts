/**
 * The contract between renderer and main: every call the renderer may make (name, argument
 * schema, result type) and every event main may send. main registers its handlers from it
 * (main/services/contract-server.ts), preload exposes it as `window.tabib`, and the e2e harness
 * binds the same handlers into Chromium. Arguments are validated once, where they arrive.
 */
import { z } from 'zod';
import { countries, languages } from './types';
import type { AppConfigView, AppInfo, EnrolmentResult, HealthReport } from './types';
import type { CallName, EventName } from './names';

export { callChannel, callNames, eventChannel, eventNames, isCallName } from './names';
export type { CallName, EventName } from './names';

interface CallSpec<A extends z.ZodType, R> {
  args: A;
  /** Phantom: carries the result type only. */
  result?: R;
  /** What this call does, for the reader of the contract. */
  doc: string;
}

function call<R>() {
  return <A extends z.ZodType>(args: A, doc: string): CallSpec<A, R> => ({ args, doc });
}

const none = z.object({}).strict();

const httpsUrl = z
  .string()
  .trim()
  .url()
  .refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    // Loopback http is accepted for a service on the same machine (tests, a local gateway);
    // anything that crosses a network must be https.
    return (
      url.protocol === 'https:' ||
      (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    );
  }, 'must be an https URL');

const facility = z
  .object({
    id: z.string().trim().min(1).max(64),
    name: z.string().trim().min(1).max(200),
  })
  .strict();

export const calls = {
  'app.info': call<AppInfo>()(none, 'Application version, runtime and data folder.'),
  'app.health': call<HealthReport>()(none, 'The health report that `tabib doctor` prints.'),
  'config.get': call<AppConfigView>()(
    none,
    'The effective configuration (user settings under administrator overrides).',
  ),
  'settings.setLanguage': call<AppConfigView>()(
    z.object({ language: z.enum(languages) }).strict(),
    'Set the interface language for this workstation user.',
  ),
  'setup.enrol': call<EnrolmentResult>()(
    z
      .object({
        baseUrl: httpsUrl,
        tokenUrl: httpsUrl,
        clientId: z.string().trim().min(1).max(200),
        facility,
        country: z.enum(countries),
      })
      .strict(),
    'Enrol this workstation with a national record service; creates its signing key.',
  ),
  'setup.startDemo': call<AppConfigView>()(
    z.object({ country: z.enum(countries) }).strict(),
    'Run this workstation as a demonstration with synthetic data only.',
  ),
} as const satisfies Record<CallName, CallSpec<z.ZodType, unknown>>;

export type Calls = typeof calls;
export type CallArgs<N extends CallName> = z.input<Calls[N]['args']>;
export type ParsedCallArgs<N extends CallName> = z.output<Calls[N]['args']>;
export type CallResult<N extends CallName> = NonNullable<Calls[N]['result']>;

const syncPhase = z.enum(['idle', 'pull', 'push', 'error']);

/** Events from main to the renderer. */
export const events = {
  'config.changed': z.object({ reason: z.enum(['language', 'enrolment', 'demo', 'administrator']) }),
  'sync.progress': z.object({
    phase: syncPhase,
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative().nullable(),
  }),
  'card.inserted': z.object({ reader: z.string() }),
  'card.removed': z.object({ reader: z.string() }),
} as const satisfies Record<EventName, z.ZodType>;

export type Events = typeof events;
export type EventPayload<N extends EventName> = z.output<Events[N]>;
