/**
 * The update server, read over HTTP by the services (the manifests and key lists, which are small)
 * and by `tabib release verify` (the files too). electron-updater downloads the release files
 * itself, in Electron main; nothing here installs anything.
 *
 * Content is trusted for its signature, not for the connection: redirects are followed (a
 * ministry server may sit behind a CDN), but every document is size-limited before it is parsed.
 */
import { createHash } from 'node:crypto';

export type FetchedDocument =
  | { ok: true; bytes: Buffer }
  | { ok: false; reason: 'SERVER_ERROR'; status: number }
  | { ok: false; reason: 'NETWORK_ERROR'; message: string }
  | { ok: false; reason: 'TOO_LARGE'; limit: number };

export interface FetchOptions {
  maxBytes?: number;
  timeoutMs?: number;
}

const noCache = { 'cache-control': 'no-cache' };

/** Reads a response body chunk by chunk (a reader, so the code types under both the Node and DOM libs). */
async function eachChunk(
  body: ReadableStream<Uint8Array>,
  visit: (chunk: Uint8Array) => boolean,
): Promise<void> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (!visit(value)) {
        await reader.cancel().catch(() => undefined);
        return;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function networkMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const detail = cause instanceof Error ? cause.message : null;
    return detail ? `${error.message}: ${detail}` : error.message;
  }
  return String(error);
}

export async function fetchDocument(url: URL, options: FetchOptions = {}): Promise<FetchedDocument> {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: noCache,
      redirect: 'follow',
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (error) {
    return { ok: false, reason: 'NETWORK_ERROR', message: networkMessage(error) };
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, reason: 'SERVER_ERROR', status: response.status };
  }
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    if (response.body) {
      await eachChunk(response.body, (chunk) => {
        length += chunk.byteLength;
        chunks.push(Buffer.from(chunk));
        return length <= maxBytes;
      });
    }
  } catch (error) {
    return { ok: false, reason: 'NETWORK_ERROR', message: networkMessage(error) };
  }
  if (length > maxBytes) return { ok: false, reason: 'TOO_LARGE', limit: maxBytes };
  return { ok: true, bytes: Buffer.concat(chunks, length) };
}

export type RemoteFileDigest = { ok: true; sha512: string; size: number } | { ok: false; detail: string };

/** Streams a file and hashes it as electron-updater does (SHA-512, base64), without keeping it. */
export async function digestRemoteFile(url: URL, timeoutMs = 10 * 60_000): Promise<RemoteFileDigest> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: noCache,
      redirect: 'follow',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { ok: false, detail: networkMessage(error) };
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, detail: `HTTP ${response.status}` };
  }
  const hash = createHash('sha512');
  let size = 0;
  try {
    await eachChunk(response.body, (chunk) => {
      hash.update(chunk);
      size += chunk.byteLength;
      return true;
    });
  } catch (error) {
    return { ok: false, detail: networkMessage(error) };
  }
  return { ok: true, sha512: hash.digest('base64'), size };
}
