/**
 * Access tokens for the national record service: OAuth 2.0 client credentials (RFC 6749 §4.4)
 * authenticated by a JWT signed with the workstation's key (RFC 7523 §2.2, `private_key_jwt`),
 * as SMART Backend Services does (hl7.org/fhir/smart-app-launch/backend-services.html).
 *
 * The assertion: iss = sub = the client id, aud = the token URL, a random jti, exp at most five
 * minutes ahead; signed ES256 or ES384 by the workstation's EC key (its curve decides), with
 * kid = the key's RFC 7638 thumbprint, which is what the administrator registered.
 *
 * The token is cached until shortly before it expires; concurrent callers share one token
 * request; a 401 from the FHIR server makes the client call `invalidate` and ask once more.
 */
import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { TabibError } from '../errors';
import { jwkThumbprint } from '../setup/workstation-key';
import { httpError } from './response-validation';
import {
  defaultRetryPolicy,
  systemRetryEnvironment,
  withRetry,
  type RetryEnvironment,
  type RetryPolicy,
} from './retry';
import { classifyFailure, readErrorBody, sendHttp, type FetchLike } from './http-transport';

/** What the FHIR client needs from any source of bearer tokens. */
export interface AccessTokenSource {
  token(signal?: AbortSignal): Promise<string>;
  /** The server refused this token: forget it, so that the next `token()` asks for a new one. */
  invalidate(token: string): void;
}

export interface ClientAssertionClaims {
  clientId: string;
  tokenUrl: string;
  /** Seconds until it expires; at most 300 (SMART Backend Services). */
  lifetimeSeconds?: number;
  nowMs?: number;
}

const MAX_ASSERTION_LIFETIME_S = 300;

function signingAlgorithm(key: KeyObject): 'ES256' | 'ES384' {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === 'prime256v1' || curve === 'P-256') return 'ES256';
  if (curve === 'secp384r1' || curve === 'P-384') return 'ES384';
  throw new TabibError(
    'KEYCHAIN_UNAVAILABLE',
    `The workstation key is not an EC P-256 or P-384 key (${String(curve)})`,
  );
}

/** The RFC 7638 thumbprint of the public half of `privateKey`, as registered at enrolment. */
export function keyThumbprint(privateKey: KeyObject): string {
  return jwkThumbprint(createPublicKey(privateKey).export({ format: 'jwk' }) as Record<string, string>);
}

/** A signed client assertion (RFC 7523 §3). */
export async function signClientAssertion(
  privateKey: KeyObject,
  claims: ClientAssertionClaims,
): Promise<string> {
  const lifetime = Math.min(claims.lifetimeSeconds ?? MAX_ASSERTION_LIFETIME_S, MAX_ASSERTION_LIFETIME_S);
  const now = Math.floor((claims.nowMs ?? Date.now()) / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: signingAlgorithm(privateKey), typ: 'JWT', kid: keyThumbprint(privateKey) })
    .setIssuer(claims.clientId)
    .setSubject(claims.clientId)
    .setAudience(claims.tokenUrl)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .sign(privateKey);
}

export interface ClientCredentialsOptions {
  tokenUrl: string;
  clientId: string;
  /** The workstation's private key (main/setup/workstation-key.ts `loadWorkstationKey`). */
  privateKey: KeyObject;
  /**
   * The assertion's `aud`: the token URL (SMART Backend Services) unless the provider names
   * another (e.g. its issuer, or its own token URL when reached through a gateway).
   */
  audience?: string;
  /** Space-separated scopes, e.g. `system/*.read system/*.write`; omitted when undefined. */
  scope?: string;
  /** The same transport as the FHIR client's (the ministry's CA, no redirects). */
  fetch: FetchLike;
  timeoutMs?: number;
  /** A token is renewed this long before it expires (default 30 s), or at half its lifetime if later. */
  renewBeforeMs?: number;
  retry?: Partial<RetryPolicy>;
  environment?: RetryEnvironment;
}

interface CachedToken {
  value: string;
  /** `renewBeforeMs` before expiry, but never before half its lifetime (short-lived tokens). */
  renewAtMs: number;
}

export class ClientCredentialsTokenSource implements AccessTokenSource {
  private cached: CachedToken | null = null;
  private pending: Promise<CachedToken> | null = null;
  private readonly environment: RetryEnvironment;

  constructor(private readonly options: ClientCredentialsOptions) {
    this.environment = options.environment ?? systemRetryEnvironment;
  }

  async token(signal?: AbortSignal): Promise<string> {
    if (this.cached && this.environment.now() < this.cached.renewAtMs) return this.cached.value;
    // One request for all callers (bounded by its own timeouts, not by the first caller's
    // signal); a failure is shared too, and the next call tries again.
    this.pending ??= this.request().finally(() => {
      this.pending = null;
    });
    const pending = this.pending;
    this.cached = await (signal ? abortable(pending, signal) : pending);
    return this.cached.value;
  }

  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = null;
  }

  private async request(): Promise<CachedToken> {
    const { tokenUrl } = this.options;
    const what = `POST ${tokenUrl}`;
    return withRetry(
      async () => {
        // A fresh assertion per attempt: its jti must not be replayed (RFC 7523 §3, item 7).
        const assertion = await signClientAssertion(this.options.privateKey, {
          clientId: this.options.clientId,
          tokenUrl: this.options.audience ?? tokenUrl,
          nowMs: this.environment.now(),
        });
        const form = new URLSearchParams({
          grant_type: 'client_credentials',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        });
        if (this.options.scope) form.set('scope', this.options.scope);
        const response = await sendHttp(this.options.fetch, tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: form.toString(),
          timeoutMs: this.options.timeoutMs ?? 30_000,
          request: what,
        });
        if (!response.ok)
          throw tokenError(
            response.status,
            await readErrorBody(response),
            what,
            response.headers.get('retry-after'),
          );
        return this.parseToken(await response.text(64 * 1024), what);
      },
      {
        policy: { ...defaultRetryPolicy, ...this.options.retry },
        environment: this.environment,
        // Each attempt carries a new assertion, and a token request changes nothing on the server.
        safeToRepeat: true,
        classify: (error) => classifyFailure(error, this.environment.now()),
        annotate: (error, exhaustion) =>
          error instanceof TabibError && exhaustion.attempts > 1
            ? new TabibError(error.code, `${error.message} (after ${exhaustion.attempts} attempts)`, {
                ...(error.details as object),
                attempts: exhaustion.attempts,
                stoppedBecause: exhaustion.reason,
              })
            : error,
      },
    );
  }

  private parseToken(text: string, what: string): CachedToken {
    let body: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new TabibError('SYNC_RESPONSE_INVALID', `${what}: the token response is not JSON`, {
        request: what,
        problems: [{ path: '(body)', problem: 'not valid JSON' }],
      });
    }
    const problems: { path: string; problem: string }[] = [];
    if (typeof body.access_token !== 'string' || body.access_token.length === 0)
      problems.push({ path: 'access_token', problem: 'missing' });
    if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer')
      problems.push({
        path: 'token_type',
        problem: `expected Bearer, got ${JSON.stringify(body.token_type)}`,
      });
    if (body.expires_in !== undefined && (typeof body.expires_in !== 'number' || body.expires_in <= 0))
      problems.push({ path: 'expires_in', problem: 'not a positive number' });
    if (problems.length > 0)
      throw new TabibError('SYNC_RESPONSE_INVALID', `${what}: invalid token response`, {
        request: what,
        problems,
      });
    // Without expires_in (RFC 6749 §5.1 makes it recommended only) keep it five minutes.
    const lifetimeS = typeof body.expires_in === 'number' ? body.expires_in : 300;
    const lifetimeMs = lifetimeS * 1000;
    const renewBeforeMs = this.options.renewBeforeMs ?? 30_000;
    return {
      value: body.access_token as string,
      renewAtMs: this.environment.now() + Math.max(lifetimeMs - renewBeforeMs, lifetimeMs / 2),
    };
  }
}

/** RFC 6749 §5.2: a refused client is `invalid_client` (401) or `unauthorized_client`/`invalid_grant` (400). */
function tokenError(status: number, text: string, what: string, retryAfter: string | null): TabibError {
  let oauth: { error?: unknown; error_description?: unknown } = {};
  try {
    oauth = JSON.parse(text) as typeof oauth;
  } catch {
    // not JSON
  }
  if (typeof oauth.error === 'string' && status < 500 && status !== 429) {
    const description = typeof oauth.error_description === 'string' ? `: ${oauth.error_description}` : '';
    return new TabibError('SYNC_UNAUTHORIZED', `${what}: ${oauth.error}${description}`, {
      request: what,
      status,
      error: oauth.error,
      errorDescription: oauth.error_description,
    });
  }
  return httpError(status, text, what, { retryAfter });
}

/** Lets one caller stop waiting for a shared request without cancelling it for the others. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}
