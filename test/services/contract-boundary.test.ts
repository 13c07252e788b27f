/**
 * The contract at the boundary: every call declared once with its schema; an invalid call answers
 * INVALID_ARGUMENT with the offending fields and changes nothing; failures cross as
 * `{ code, message, details }`, never as a thrown error or a stack.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { adminCallNames, callNames, calls, eventNames, events } from '../../main/contract/contract';
import { buildTabibBridge } from '../../main/contract/bridge';
import { errorCodes } from '../../main/contract/errors';
import { TabibError } from '../../main/errors';
import { ContractServer, type Handlers } from '../../main/services/contract-server';
import { InProcessHost } from '../../main/services/in-process-host';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';
import { readLocale } from '../support/locales';

const resourcesDir = resolve(import.meta.dirname, '..', '..', 'resources');
let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

function workstation(): InProcessHost {
  const dir = mkdtempSync(join(tmpdir(), 'tabib-contract-'));
  const host = new InProcessHost(
    {
      dataDir: join(dir, 'data'),
      machineConfigPath: join(dir, 'machine.json'),
      resourcesDir,
      appVersion: '9.9.9-test',
      electronVersion: null,
    },
    new KeyFileKeychain(join(dir, 'data', 'keychain', 'wrapping.key')),
  );
  cleanup = async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return host;
}

describe('the contract', () => {
  it('declares every call once, with a schema and a description, and every event with a payload schema', () => {
    const declared = Object.keys(calls).sort();
    expect(declared).toEqual([...callNames, ...adminCallNames].sort());
    expect(new Set(declared).size).toBe(declared.length);
    for (const name of declared) {
      const spec = calls[name as keyof typeof calls];
      expect(typeof spec.args.safeParse, name).toBe('function');
      expect(spec.doc.length, name).toBeGreaterThan(10);
    }
    expect(Object.keys(events).sort()).toEqual([...eventNames].sort());
  });

  it('keeps administrator calls apart from the renderer’s', () => {
    for (const name of adminCallNames) expect(callNames as readonly string[]).not.toContain(name);
  });

  it('builds window.tabib from the names: one function per call, grouped by prefix, events checked', async () => {
    const seen: [string, unknown][] = [];
    const api = buildTabibBridge(
      callNames,
      eventNames,
      async (name, args) => {
        seen.push([name, args]);
        return { ok: true, value: null };
      },
      () => () => undefined,
    ) as {
      app: { info(args?: unknown): Promise<unknown> };
      patients: { search(args: unknown): Promise<unknown> };
      on(name: string, listener: () => void): unknown;
    };
    await api.app.info();
    await api.patients.search({ query: 'benali' });
    expect(seen).toEqual([
      ['app.info', {}],
      ['patients.search', { query: 'benali' }],
    ]);
    expect(() => api.on('no.such.event', () => undefined)).toThrow(TypeError);
    expect(typeof api.on('config.changed', () => undefined)).toBe('function');
  });
});

describe('the boundary (ContractServer)', () => {
  const calledWith: unknown[] = [];
  const handlers = new Proxy({} as Handlers, {
    get: (_target, name) => (args: unknown) => {
      calledWith.push([name, args]);
      if (name === 'record.status') throw new TabibError('RECORD_KEY_MISMATCH', 'wrong key', { path: '/x' });
      if (name === 'config.get') throw new Error('boom');
      if (name === 'app.health') throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
      return { echoed: args };
    },
  });
  const server = new ContractServer(handlers);

  it('answers INVALID_ARGUMENT, field by field, without calling the handler', async () => {
    calledWith.length = 0;
    const cases: [string, unknown, string[][]][] = [
      ['settings.setLanguage', { language: 'de' }, [['language']]],
      ['settings.setLanguage', { language: 'fr', extra: 1 }, [[]]],
      ['patients.search', { query: 'x'.repeat(201) }, [['query']]],
      ['patients.search', { query: 'ali', limit: 0 }, [['limit']]],
      ['patients.openChart', { patientId: 'not an id!' }, [['patientId']]],
      [
        'setup.enrol',
        {
          baseUrl: 'http://plain.example',
          tokenUrl: 'https://idp.example/token',
          clientId: 'c',
          facility: { id: 'F', name: 'N' },
          country: 'MA',
        },
        [['baseUrl']],
      ],
      ['app.info', 'not an object', [[]]],
    ];
    for (const [name, args, paths] of cases) {
      const envelope = await server.handle(name, args);
      expect(envelope.ok, name).toBe(false);
      if (envelope.ok) continue;
      expect(envelope.error.code).toBe('INVALID_ARGUMENT');
      const issues = (envelope.error.details as { issues: { path: string[] }[] }).issues;
      expect(issues.map((issue) => issue.path)).toEqual(paths);
    }
    expect(calledWith).toEqual([]);
  });

  it('refuses an unknown call', async () => {
    for (const name of ['fs.readFile', '__proto__', 42, null]) {
      expect(await server.handle(name, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
    }
  });

  it('passes validated arguments, and returns typed errors with their code and details', async () => {
    expect(await server.handle('patients.search', { query: 'benali' })).toEqual({
      ok: true,
      value: { echoed: { query: 'benali' } },
    });
    expect(await server.handle('record.status', {})).toEqual({
      ok: false,
      error: { code: 'RECORD_KEY_MISMATCH', message: 'wrong key', details: { path: '/x' } },
    });
    expect(await server.handle('config.get', {})).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'boom' },
    });
    expect(await server.handle('app.health', {})).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } });
  });

  it('every error code has a localised message in fr, ar and en', () => {
    for (const language of ['fr', 'ar', 'en']) {
      const locale = readLocale(language as 'fr' | 'ar' | 'en') as { errors: Record<string, string> };
      for (const code of errorCodes) expect(locale.errors[code], `${language}: ${code}`).toBeTruthy();
    }
  });
});

describe('an invalid call through the real services changes nothing', () => {
  it('leaves the configuration untouched', async () => {
    const host = workstation();
    const configFile = host.services.layout.userConfig;
    expect(await host.invoke('settings.setLanguage', { language: 'ar' })).toMatchObject({ ok: true });
    const before = readFileSync(configFile, 'utf8');
    expect(await host.invoke('settings.setLanguage', { language: 'klingon' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await host.invoke('setup.startDemo', { country: 'FR' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(readFileSync(configFile, 'utf8')).toBe(before);
    expect(existsSync(host.services.layout.recordDatabase)).toBe(false);
  });
});
