/**
 * The DICOMweb client's rules where a real PACS cannot be made to misbehave on demand: a scripted
 * fetch answers each request (status, headers, body in chunks, pauses), and the tests check how
 * the client reads it — errors and their codes, retries, the token renewed once after a 401, the
 * fallback when `transfer-syntax=*` is refused, timeouts inside a body, and the query it sends.
 */
import { describe, expect, it } from 'vitest';
import { TabibError } from '../../main/errors';
import {
  DicomWebClient,
  formatQuery,
  studyQueryParameters,
} from '../../main/imaging/dicomweb/dicomweb-client';
import { multipartBody } from '../../main/imaging/dicomweb/multipart';
import {
  basicAuthorization,
  tokenSourceAuthorization,
  type PacsFetch,
  type PacsRequestInit,
} from '../../main/imaging/dicomweb/pacs-http';
import type { ResponseLike } from '../../main/sync/http-transport';
import { instantRetries } from './pacs-fixture';

interface Scripted {
  status?: number;
  headers?: Record<string, string>;
  /** The body in chunks; a number is a pause of that many ms. */
  chunks?: (Uint8Array | string | number)[];
  /** The body fails after its chunks (a cut connection). */
  fail?: Error;
}

function scripted(answers: (Scripted | ((url: string, init: PacsRequestInit) => Scripted))[]) {
  const requests: { url: string; init: PacsRequestInit }[] = [];
  const fetch: PacsFetch = async (url, init) => {
    requests.push({ url, init });
    const next = answers.shift();
    if (!next) throw new Error(`unexpected request ${url}`);
    const answer = typeof next === 'function' ? next(url, init) : next;
    const status = answer.status ?? 200;
    const headers = new Map(
      Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
    );
    const chunks = [...(answer.chunks ?? [])];
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        for (;;) {
          const chunk = chunks.shift();
          if (chunk === undefined) {
            if (answer.fail) controller.error(answer.fail);
            else controller.close();
            return;
          }
          if (typeof chunk === 'number') {
            await new Promise<void>((resolve, reject) => {
              const timer = setTimeout(resolve, chunk);
              init.signal.addEventListener('abort', () => {
                clearTimeout(timer);
                reject(init.signal.reason as Error);
              });
            });
            continue;
          }
          controller.enqueue(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
          return;
        }
      },
    });
    const response: ResponseLike = {
      status,
      ok: status >= 200 && status < 300,
      headers: { get: (name) => headers.get(name.toLowerCase()) ?? null },
      body,
    };
    return response;
  };
  return { fetch, requests };
}

const json = (value: unknown, status = 200): Scripted => ({
  status,
  headers: { 'content-type': 'application/dicom+json' },
  chunks: [JSON.stringify(value)],
});

const study = (uid: string) => ({ '0020000D': { vr: 'UI', Value: [uid] } });

function client(fetch: PacsFetch, options: Partial<ConstructorParameters<typeof DicomWebClient>[0]> = {}) {
  return new DicomWebClient({
    baseUrl: 'https://pacs.example/dicom-web/',
    fetch,
    environment: instantRetries,
    ...options,
  });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('the query the client sends', () => {
  it('names each criterion as QIDO-RS does, with the matching characters left literal', () => {
    const query = studyQueryParameters({
      patientId: ' 123&x ',
      patientName: 'Ben^Y*',
      dateFrom: '2024-03-01',
      dateTo: '20240331',
      modality: 'ct',
      accessionNumber: 'A+1 #2',
      limit: 10,
      offset: 20,
    });
    expect(formatQuery(query)).toBe(
      'PatientID=123%26x&PatientName=Ben^Y*&AccessionNumber=A%2B1%20%232&ModalitiesInStudy=CT' +
        '&StudyDate=20240301-20240331&includefield=00081030&includefield=00080061&includefield=00201206' +
        '&includefield=00201208&limit=10&offset=20',
    );
    expect(formatQuery(new URLSearchParams({ PatientName: 'Lefèvre*' }))).toBe('PatientName=Lef%C3%A8vre*');
    expect(studyQueryParameters({ dateFrom: '2024-03-01', dateTo: '2024-03-01' }).get('StudyDate')).toBe(
      '20240301',
    );
    expect(studyQueryParameters({ dateTo: '2024-03-01' }).get('StudyDate')).toBe('-20240301');
  });

  it('sends Basic credentials and asks for DICOM JSON', async () => {
    const { fetch, requests } = scripted([json([study('1.2.3')])]);
    const pacs = client(fetch, { authorizer: basicAuthorization('rad', 'pässword') });
    const page = await pacs.searchStudies({ patientId: 'X' });
    expect(page.items.map((item) => item.studyInstanceUid)).toEqual(['1.2.3']);
    expect(requests[0]?.url).toMatch(/^https:\/\/pacs\.example\/dicom-web\/studies\?PatientID=X&/);
    expect(requests[0]?.init.headers).toMatchObject({
      accept: 'application/dicom+json',
      authorization: `Basic ${Buffer.from('rad:pässword', 'utf8').toString('base64')}`,
    });
    expect(requests[0]?.init.redirect).toBe('manual');
  });
});

describe('QIDO-RS answers', () => {
  it('204 is no match; a Warning 299 means there is more; IS values as strings or numbers', async () => {
    const { fetch } = scripted([
      { status: 204 },
      {
        ...json([
          { ...study('1.2'), '00201208': { vr: 'IS', Value: ['12'] }, '00201206': { vr: 'IS', Value: [2] } },
        ]),
        headers: {
          'content-type': 'application/dicom+json',
          warning: '299 pacs: "The number of results exceeded the maximum supported by the server."',
        },
      },
    ]);
    const pacs = client(fetch);
    expect((await pacs.searchStudies({})).items).toEqual([]);
    const page = await pacs.searchStudies({});
    expect(page.more).toBe(true);
    expect(page.items[0]).toMatchObject({ instances: 12, series: 2 });
  });

  it('refuses what is not DICOM JSON, or lacks the UIDs: IMAGING_PACS_RESPONSE_INVALID', async () => {
    const { fetch } = scripted([
      { headers: { 'content-type': 'text/html' }, chunks: ['<html>login</html>'] },
      json({ not: 'an array' }),
      json([{ '00100020': { vr: 'LO', Value: ['X'] } }]),
      { headers: { 'content-type': 'application/dicom+json' }, chunks: ['[{"0020000D":'] },
      json([{ '0020000D': { Value: ['1.2'] } }]),
    ]);
    const pacs = client(fetch);
    for (const problem of [
      /text\/html/,
      /not a JSON array/,
      /StudyInstanceUID missing/,
      /not valid JSON/,
      /not a DICOM JSON/,
    ])
      await expect(pacs.searchStudies({})).rejects.toSatisfy(
        (error: TabibError) => error.code === 'IMAGING_PACS_RESPONSE_INVALID' && problem.test(error.message),
      );
  });

  it('retries 503 after its Retry-After, refuses a redirect, and maps statuses to codes', async () => {
    const retries: number[] = [];
    const { fetch } = scripted([
      { status: 503, headers: { 'retry-after': '2' }, chunks: ['busy'] },
      json([study('1.2')]),
      { status: 302, headers: { location: 'https://elsewhere.example/' } },
      { status: 400, chunks: ['bad query'] },
      { status: 404 },
      { status: 501 },
    ]);
    const pacs = client(fetch, { onRetry: (event) => retries.push(event.delayMs) });
    expect((await pacs.searchStudies({})).items).toHaveLength(1);
    expect(retries).toEqual([2000]);
    await expect(pacs.searchStudies({})).rejects.toMatchObject({
      code: 'IMAGING_PACS_RESPONSE_INVALID',
      message: expect.stringMatching(/redirect refused/),
    });
    await expect(pacs.searchStudies({})).rejects.toMatchObject({
      code: 'IMAGING_PACS_REFUSED',
      message: expect.stringMatching(/HTTP 400: bad query/),
    });
    await expect(pacs.searchStudies({})).rejects.toMatchObject({ code: 'IMAGING_PACS_NOT_FOUND' });
    await expect(pacs.searchStudies({})).rejects.toMatchObject({ code: 'IMAGING_PACS_SERVER_ERROR' });
  });

  it('a bearer token refused with 401 is renewed once; refused again, IMAGING_PACS_UNAUTHORIZED', async () => {
    let current = 1;
    const invalidated: string[] = [];
    const source = {
      token: () => Promise.resolve(`token-${current}`),
      invalidate: (token: string) => {
        invalidated.push(token);
        if (token === `token-${current}`) current++;
      },
    };
    const { fetch, requests } = scripted([
      { status: 401 },
      json([study('1.2')]),
      { status: 401 },
      { status: 401 },
    ]);
    const pacs = client(fetch, { authorizer: tokenSourceAuthorization(source) });
    expect((await pacs.searchStudies({})).items).toHaveLength(1);
    expect(requests.map((request) => request.init.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
    expect(invalidated).toEqual(['token-1']);
    await expect(pacs.searchStudies({})).rejects.toMatchObject({ code: 'IMAGING_PACS_UNAUTHORIZED' });
    expect(requests).toHaveLength(4);
    expect(invalidated).toEqual(['token-1', 'token-2']);
  });

  it('a token source that fails is the PACS’s failure, not retried again', async () => {
    const source = {
      token: () =>
        Promise.reject(
          new TabibError('SYNC_UNAUTHORIZED', 'invalid_client', { status: 401, error: 'invalid_client' }),
        ),
      invalidate: () => undefined,
    };
    const { fetch, requests } = scripted([]);
    await expect(
      client(fetch, { authorizer: tokenSourceAuthorization(source) }).searchStudies({}),
    ).rejects.toMatchObject({
      code: 'IMAGING_PACS_UNAUTHORIZED',
      details: { stage: 'token', cause: 'SYNC_UNAUTHORIZED' },
    });
    expect(requests).toEqual([]);
  });
});

describe('WADO-RS answers', () => {
  const boundary = 'b0undary';
  const wado = (parts: string[], extra: Partial<Scripted> = {}): Scripted => ({
    headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
    chunks: [
      multipartBody(
        parts.map((part) => Buffer.from(part)),
        boundary,
        'application/dicom',
      ),
    ],
    ...extra,
  });

  it('asks for the stored transfer syntax; refused (406), asks again without, and remembers', async () => {
    const { fetch, requests } = scripted([{ status: 406 }, wado(['one']), wado(['two'])]);
    const pacs = client(fetch);
    const target = { studyInstanceUid: '1.2.3' };
    expect((await collect(pacs.retrieve(target))).map((part) => part.bytes.toString())).toEqual(['one']);
    expect((await collect(pacs.retrieve(target))).map((part) => part.bytes.toString())).toEqual(['two']);
    expect(requests.map((request) => request.init.headers.accept)).toEqual([
      'multipart/related; type="application/dicom"; transfer-syntax=*',
      'multipart/related; type="application/dicom"',
      'multipart/related; type="application/dicom"',
    ]);
  });

  it('refuses an answer that is not multipart/related of application/dicom, or a part of another type', async () => {
    const { fetch } = scripted([
      json([]),
      {
        headers: {
          'content-type': `multipart/related; type="application/octet-stream"; boundary=${boundary}`,
        },
        chunks: [],
      },
      {
        headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
        chunks: [`--${boundary}\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${boundary}--`],
      },
    ]);
    const pacs = client(fetch);
    for (let index = 0; index < 3; index++)
      await expect(collect(pacs.retrieve({ studyInstanceUid: '1.2' }))).rejects.toMatchObject({
        code: 'IMAGING_PACS_RESPONSE_INVALID',
      });
  });

  it('a body cut by the network, or ended before its closing boundary, is IMAGING_PACS_UNREACHABLE after the whole parts', async () => {
    const whole = multipartBody([Buffer.from('first'), Buffer.from('second')], boundary, 'application/dicom');
    const cutAt = whole.indexOf(Buffer.from('second')) + 2;
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const { fetch } = scripted([
      wado([], { chunks: [whole.subarray(0, cutAt)], fail: reset }),
      wado([], { chunks: [whole.subarray(0, cutAt)] }),
    ]);
    const pacs = client(fetch);
    for (const phase of ['reset', 'clean end']) {
      const received: string[] = [];
      await expect(
        (async () => {
          for await (const part of pacs.retrieve({ studyInstanceUid: '1.2' }))
            received.push(part.bytes.toString());
        })(),
        phase,
      ).rejects.toMatchObject({
        code: 'IMAGING_PACS_UNREACHABLE',
        details: { transient: true, reachedServer: true },
      });
      expect(received, phase).toEqual(['first']);
    }
  });

  it('a pause inside a body longer than the idle timeout is IMAGING_PACS_TIMEOUT', async () => {
    const whole = multipartBody([Buffer.from('first'), Buffer.from('second')], boundary, 'application/dicom');
    const { fetch } = scripted([
      wado([], { chunks: [whole.subarray(0, 60), 30, whole.subarray(60)] }),
      wado([], { chunks: [whole.subarray(0, 60), 500, whole.subarray(60)] }),
    ]);
    const pacs = client(fetch, { idleTimeoutMs: 150 });
    expect(await collect(pacs.retrieve({ studyInstanceUid: '1.2' }))).toHaveLength(2);
    await expect(collect(pacs.retrieve({ studyInstanceUid: '1.2' }))).rejects.toMatchObject({
      code: 'IMAGING_PACS_TIMEOUT',
      details: { phase: 'body', timeoutMs: 150 },
    });
  });

  it('hands each instance over as soon as it has arrived, not once the whole answer is read', async () => {
    const parts = Array.from({ length: 40 }, (_, index) => Buffer.alloc(4096, index));
    const body = multipartBody(parts, boundary, 'application/dicom');
    let pulled = 0;
    const fetch: PacsFetch = async () => ({
      status: 200,
      ok: true,
      headers: {
        get: (name) =>
          name === 'content-type'
            ? `multipart/related; type="application/dicom"; boundary=${boundary}`
            : null,
      },
      body: new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            const start = pulled * 4096;
            if (start >= body.length) return controller.close();
            pulled++;
            controller.enqueue(body.subarray(start, start + 4096));
          },
        },
        { highWaterMark: 1 },
      ),
    });
    const seen: number[] = [];
    for await (const part of client(fetch).retrieve({ studyInstanceUid: '1.2' })) {
      // Never more than a few chunks ahead of the instance being handed over.
      expect(pulled * 4096).toBeLessThan((seen.length + 4) * 4200);
      seen.push(part.bytes[0] as number);
    }
    expect(seen).toEqual(parts.map((_, index) => index));
  });

  it('refuses a target that is not made of UIDs before asking', async () => {
    const { fetch, requests } = scripted([]);
    const pacs = client(fetch);
    await expect(collect(pacs.retrieve({ studyInstanceUid: '1.2/../../system' }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      collect(pacs.retrieve({ studyInstanceUid: '1.2', sopInstanceUid: '1.3' })),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(requests).toEqual([]);
  });
});

describe('STOW-RS answers', () => {
  it('reads what was stored and what failed, 409 included, and sends one multipart request', async () => {
    const answer = {
      '00081199': { vr: 'SQ', Value: [{ '00081155': { vr: 'UI', Value: ['1.1'] } }] },
      '00081198': {
        vr: 'SQ',
        Value: [{ '00081155': { vr: 'UI', Value: ['1.2'] }, '00081197': { vr: 'US', Value: [0xa700] } }],
      },
    };
    const { fetch, requests } = scripted([
      json(answer, 202),
      json({ '00081198': answer['00081198'] }, 409),
      { status: 409, chunks: [] },
    ]);
    const pacs = client(fetch);
    const result = await pacs.store([Buffer.from('a'), Buffer.from('b')]);
    expect(result).toMatchObject({
      status: 202,
      stored: [{ sopInstanceUid: '1.1', reason: null }],
      failed: [{ sopInstanceUid: '1.2', reason: 0xa700 }],
    });
    const type = requests[0]?.init.headers['content-type'] ?? '';
    expect(type).toMatch(/^multipart\/related; type="application\/dicom"; boundary=tabib-[0-9a-f]{32}$/);
    expect(requests[0]?.init.method).toBe('POST');
    expect(requests[0]?.url).toBe('https://pacs.example/dicom-web/studies');
    expect((await pacs.store([Buffer.from('b')])).failed).toHaveLength(1);
    await expect(pacs.store([Buffer.from('b')])).rejects.toMatchObject({ code: 'IMAGING_PACS_REFUSED' });
  });
});
