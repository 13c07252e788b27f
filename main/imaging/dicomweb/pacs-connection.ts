/**
 * The configured PACS as a DICOMweb client: its authorization built from the `pacs` configuration
 * entry (pacs-config.ts) and the secret kept wrapped by the OS keychain beside the image cache
 * (`tabib imaging pacs-secret` stores it; never in a configuration file, never in clear).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Keychain } from '../../../native/keychain/keychain';
import { TabibError } from '../../errors';
import { loadWorkstationKey } from '../../setup/workstation-key';
import { writeFileAtomic } from '../../storage/atomic-file';
import { createFetch, type FetchLike } from '../../sync/http-transport';
import { ClientCredentialsTokenSource } from '../../sync/token-source';
import { DicomWebClient, type DicomWebClientOptions } from './dicomweb-client';
import type { PacsConfig } from './pacs-config';
import {
  basicAuthorization,
  bearerAuthorization,
  createPacsFetch,
  noAuthorization,
  tokenSourceAuthorization,
  type PacsAuthorizer,
  type PacsFetch,
} from './pacs-http';

/** Where the wrapped PACS secret lives in the data folder. */
export function pacsSecretPath(dataDir: string): string {
  return join(dataDir, 'imaging', 'pacs-secret.wrapped');
}

/** The PACS's password (Basic) or static token (bearer), wrapped by the keychain. */
export class PacsSecretFile {
  constructor(
    private readonly keychain: Keychain,
    readonly path: string,
  ) {}

  exists(): boolean {
    return existsSync(this.path);
  }

  async read(): Promise<string> {
    if (!this.exists())
      throw new TabibError(
        'IMAGING_PACS_SECRET_MISSING',
        `The PACS secret is not stored (${this.path}); store it with \`tabib imaging pacs-secret\``,
      );
    return Buffer.from(await this.keychain.unwrap(readFileSync(this.path))).toString('utf8');
  }

  async write(secret: string): Promise<void> {
    if (!secret) throw new TabibError('INVALID_ARGUMENT', 'The PACS secret is empty');
    writeFileAtomic(this.path, await this.keychain.wrap(Buffer.from(secret, 'utf8')), 0o600);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}

export interface PacsConnectionOptions {
  config: PacsConfig;
  keychain: Keychain;
  /** pacsSecretPath(dataDir). */
  secretPath: string;
  /** The workstation's wrapped key (DataLayout.credentials), for client credentials. */
  credentialsPath: string;
  /** Tests: the network; by default node:http(s) with the PACS's CA (pacs-http.ts). */
  fetch?: PacsFetch;
  /** Tests: the token endpoint's network (client credentials); by default the national service's transport. */
  tokenFetch?: FetchLike;
  client?: Partial<Omit<DicomWebClientOptions, 'baseUrl' | 'fetch' | 'authorizer'>>;
}

export interface PacsConnection {
  client: DicomWebClient;
  config: PacsConfig;
  close(): Promise<void>;
}

export async function openPacsConnection(options: PacsConnectionOptions): Promise<PacsConnection> {
  const { config } = options;
  const trust = config.caCertificateFile ? { caCertificateFile: config.caCertificateFile } : {};
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.splice(0)) await closer();
  };
  let fetch = options.fetch;
  if (!fetch) {
    const transport = createPacsFetch(trust);
    closers.push(transport.close);
    fetch = transport.fetch;
  }
  try {
    const secret = () => new PacsSecretFile(options.keychain, options.secretPath).read();
    let authorizer: PacsAuthorizer;
    switch (config.auth.type) {
      case 'none':
        authorizer = noAuthorization;
        break;
      case 'basic':
        authorizer = basicAuthorization(config.auth.username, await secret());
        break;
      case 'bearer':
        authorizer = bearerAuthorization(await secret());
        break;
      case 'client-credentials': {
        let tokenFetch = options.tokenFetch;
        if (!tokenFetch) {
          // A small JSON exchange: the national service's own transport (undici) is right for it.
          const transport = createFetch(trust);
          closers.push(transport.close);
          tokenFetch = transport.fetch;
        }
        authorizer = tokenSourceAuthorization(
          new ClientCredentialsTokenSource({
            tokenUrl: config.auth.tokenUrl,
            clientId: config.auth.clientId,
            privateKey: await loadWorkstationKey(options.keychain, options.credentialsPath),
            ...(config.auth.scope ? { scope: config.auth.scope } : {}),
            ...(config.auth.audience ? { audience: config.auth.audience } : {}),
            fetch: tokenFetch,
          }),
        );
        break;
      }
    }
    return {
      client: new DicomWebClient({ ...options.client, baseUrl: config.baseUrl, fetch, authorizer }),
      config,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
