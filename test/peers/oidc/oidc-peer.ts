/**
 * The national identity provider, for tests: node-oidc-provider 9.x on 127.0.0.1 (a free port),
 * configured for SMART Backend Services (hl7.org/fhir/smart-app-launch/backend-services.html):
 * OAuth 2.0 client credentials, the client authenticated by `private_key_jwt` (RFC 7523 §2.2)
 * with a JWT assertion signed by the workstation's EC key (ES256 or ES384).
 *
 * - Clients are registered at run time (`registerClient`) with their public JWK set; they are
 *   kept in this peer's own adapter, so two peers in one process never share clients or tokens.
 * - Access tokens are JWTs (RFC 9068 shape: iss, aud, client_id, scope, exp, iat, jti) signed
 *   ES256 by the peer's own key, so a resource server verifies them against `jwksUri` without a
 *   call back (the FHIR peer does, through `verifyAccessToken`). Their audience is the resource
 *   (`audience` option, the same value the FHIR peer is told to expect); a token request that
 *   names no `resource` gets that one (SMART backend clients send none).
 * - Scopes: the SMART v2 system scopes listed in SMART_SYSTEM_SCOPES (plus whatever the test
 *   adds). node-oidc-provider grants the requested scopes that the resource server declares and
 *   silently drops the others; a client whose registered `scope` lacks a requested static scope
 *   is refused (`invalid_scope`).
 * - `invalidateIssuedTokens()` makes every token issued so far fail verification (as after a key
 *   rotation or a revocation), so a test sees a client renew its cached token without waiting.
 *   `accessTokenTtlSeconds` is short (60 s by default) and configurable.
 */
import { randomUUID } from 'node:crypto';
import { type RequestListener, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CryptoKey,
  type JWK,
  type JWTPayload,
  type KeyObject,
  SignJWT,
  createRemoteJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
} from 'jose';
import Provider, { type Adapter, type AdapterPayload, errors } from 'oidc-provider';

/** SMART App Launch 2.x system scopes (read+search, create+update) and the v1 spellings. */
export const SMART_SYSTEM_SCOPES = [
  'system/*.rs',
  'system/*.cu',
  'system/*.cruds',
  'system/*.read',
  'system/*.write',
  'system/Patient.rs',
] as const;

export interface OidcPeerOptions {
  /** The access tokens' `aud`: the FHIR service the tokens are for. Default `urn:tabib:test:fhir`. */
  audience?: string;
  /** Access token lifetime; default 60 s. */
  accessTokenTtlSeconds?: number;
  /** Extra scope values the provider knows (besides SMART_SYSTEM_SCOPES). */
  extraScopes?: string[];
}

export interface RegisteredClient {
  clientId: string;
  /** The client's public keys (the workstation's public JWK, with `alg`/`kid` if it has them). */
  jwks: { keys: JWK[] };
  /** Space-separated scopes this client may ask for; default all the provider knows. */
  scope?: string;
}

export interface AccessTokenClaims extends JWTPayload {
  client_id: string;
  scope?: string;
}

export interface VerifyOptions {
  /** Verify as if now were this instant (an expired token, without waiting). */
  currentDate?: Date;
}

export interface OidcPeer {
  /** The issuer identifier, e.g. http://127.0.0.1:41234 */
  readonly issuer: string;
  /** The token endpoint: also the audience a client assertion must name. */
  readonly tokenUrl: string;
  readonly jwksUri: string;
  readonly audience: string;
  registerClient(client: RegisteredClient): Promise<void>;
  /** The token's claims when it is a valid access token from this peer for `audience`, else null. */
  verifyAccessToken(token: string, options?: VerifyOptions): Promise<AccessTokenClaims | null>;
  /** Every token issued until now fails verification from now on. */
  invalidateIssuedTokens(): void;
  /** Token endpoint requests so far, with the outcome (for asserting that a client renewed). */
  readonly tokenRequests: readonly { clientId: string | undefined; ok: boolean; error?: string }[];
  stop(): Promise<void>;
}

/** An adapter over Maps owned by one peer (node-oidc-provider's memory adapter is process-wide). */
function adapterClass(store: Map<string, Map<string, { payload: AdapterPayload; expiresAt: number }>>) {
  return class PeerAdapter implements Adapter {
    private readonly items: Map<string, { payload: AdapterPayload; expiresAt: number }>;
    constructor(name: string) {
      let items = store.get(name);
      if (!items) {
        items = new Map();
        store.set(name, items);
      }
      this.items = items;
    }
    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      this.items.set(id, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    }
    async find(id: string): Promise<AdapterPayload | undefined> {
      const item = this.items.get(id);
      if (!item || item.expiresAt <= Date.now()) return undefined;
      return item.payload;
    }
    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      for (const item of this.items.values()) if (item.payload.userCode === userCode) return item.payload;
      return undefined;
    }
    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      for (const item of this.items.values()) if (item.payload.uid === uid) return item.payload;
      return undefined;
    }
    async consume(id: string): Promise<void> {
      const item = this.items.get(id);
      if (item) item.payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string): Promise<void> {
      this.items.delete(id);
    }
    async revokeByGrantId(grantId: string): Promise<void> {
      for (const [id, item] of this.items) if (item.payload.grantId === grantId) this.items.delete(id);
    }
  };
}

export async function startOidcPeer(options: OidcPeerOptions = {}): Promise<OidcPeer> {
  const audience = options.audience ?? 'urn:tabib:test:fhir';
  const ttl = options.accessTokenTtlSeconds ?? 60;
  const scopes = [...SMART_SYSTEM_SCOPES, ...(options.extraScopes ?? [])];
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const signingJwk = { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: randomUUID() };
  const store = new Map<string, Map<string, { payload: AdapterPayload; expiresAt: number }>>();
  const Adapter = adapterClass(store);
  let generation = 0;
  const tokenRequests: { clientId: string | undefined; ok: boolean; error?: string }[] = [];

  let handler: RequestListener | null = null;
  const server: Server = createServer((req, res) => {
    if (!handler) {
      res.statusCode = 503;
      res.end();
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, {
    adapter: Adapter,
    clients: [],
    clientAuthMethods: ['private_key_jwt'],
    enabledJWA: { clientAuthSigningAlgValues: ['ES256', 'ES384'] },
    scopes,
    jwks: { keys: [signingJwk as unknown as Record<string, unknown>] },
    ttl: { ClientCredentials: ttl },
    // Tokens carry the generation they were issued in; invalidateIssuedTokens() moves it on.
    extraTokenClaims: async () => ({ 'urn:tabib:test:generation': generation }),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      revocation: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => audience,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, resourceIndicator: string) => {
          if (resourceIndicator !== audience) throw new errors.InvalidTarget();
          return {
            scope: scopes.join(' '),
            audience,
            accessTokenTTL: ttl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
  });
  provider.on('grant.success', (ctx: unknown) => {
    const clientId = (ctx as { oidc?: { client?: { clientId?: string } } }).oidc?.client?.clientId;
    tokenRequests.push({ clientId, ok: true });
  });
  provider.on('grant.error', (ctx: unknown, error: unknown) => {
    const clientId = (ctx as { oidc?: { client?: { clientId?: string } } }).oidc?.client?.clientId;
    const e = error as { error?: string; error_description?: string };
    tokenRequests.push({ clientId, ok: false, error: `${e.error ?? 'error'}: ${e.error_description ?? ''}` });
  });
  handler = provider.callback();

  const jwksUri = `${issuer}/jwks`;
  const tokenUrl = `${issuer}/token`;
  const remoteJwks = createRemoteJWKSet(new URL(jwksUri));

  return {
    issuer,
    tokenUrl,
    jwksUri,
    audience,
    tokenRequests,
    async registerClient(client: RegisteredClient): Promise<void> {
      const clientStore = new Adapter('Client');
      await clientStore.upsert(client.clientId, {
        client_id: client.clientId,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'private_key_jwt',
        // Unused by client credentials, but validated: it must be an algorithm the peer can sign.
        id_token_signed_response_alg: 'ES256',
        jwks: client.jwks as unknown as AdapterPayload,
        scope: client.scope ?? scopes.join(' '),
      });
    },
    async verifyAccessToken(token: string, verify: VerifyOptions = {}): Promise<AccessTokenClaims | null> {
      try {
        const { payload } = await jwtVerify(token, remoteJwks, {
          issuer,
          audience,
          algorithms: ['ES256'],
          typ: 'at+jwt',
          requiredClaims: ['exp', 'iat', 'client_id'],
          ...(verify.currentDate ? { currentDate: verify.currentDate } : {}),
        });
        if (payload['urn:tabib:test:generation'] !== generation) return null;
        return payload as AccessTokenClaims;
      } catch {
        return null;
      }
    },
    invalidateIssuedTokens(): void {
      generation += 1;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface ClientAssertionInput {
  clientId: string;
  /** The workstation's private key (a KeyObject from node:crypto works). */
  privateKey: KeyObject | CryptoKey;
  /** ES256 for P-256, ES384 for P-384 (main/setup/workstation-key.ts makes P-384). */
  alg: 'ES256' | 'ES384';
  /** The token endpoint URL (SMART Backend Services: aud = token URL). */
  audience: string;
  kid?: string;
  /** Lifetime; SMART asks for at most 5 minutes. Default 300. */
  expiresInSeconds?: number;
  /** Issue the assertion as if now were this instant. */
  issuedAt?: Date;
}

/**
 * A client assertion (RFC 7523 §3) as a SMART backend client sends it: iss = sub = client id,
 * aud = token endpoint, a fresh jti, exp ≤ 5 min. For tests that need a token without the sync
 * engine's own client; the engine must build its own.
 */
export async function signClientAssertion(input: ClientAssertionInput): Promise<string> {
  const iat = Math.floor((input.issuedAt ?? new Date()).getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: input.alg, typ: 'JWT', ...(input.kid ? { kid: input.kid } : {}) })
    .setIssuer(input.clientId)
    .setSubject(input.clientId)
    .setAudience(input.audience)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + (input.expiresInSeconds ?? 300))
    .sign(input.privateKey);
}

export interface TokenResponse {
  status: number;
  body: { access_token?: string; expires_in?: number; scope?: string; token_type?: string; error?: string };
}

/**
 * A client credentials token request (RFC 6749 §4.4) authenticated by a client assertion
 * (RFC 7523 §2.2), for tests; the sync engine sends its own.
 */
export async function requestClientCredentialsToken(
  tokenUrl: string,
  assertion: string,
  scope?: string,
): Promise<TokenResponse> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      ...(scope ? { scope } : {}),
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }),
  });
  return { status: response.status, body: (await response.json()) as TokenResponse['body'] };
}
