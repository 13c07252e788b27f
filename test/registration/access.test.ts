/**
 * Who may register, through the renderer's guarded door (main/auth/call-guard.ts) with the
 * demonstration's accounts: a nurse registers and the audit trail names her; a radiologist reads
 * the reference lists but registers and edits no one; nobody signed out does anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../main/contract/errors';
import type { RegistrationResult } from '../../main/contract/registration-types';
import type { AuditTrailEntry } from '../../main/contract/types';
import { DEMO_PASSWORD } from '../../main/auth/demo-accounts';
import { draft, registrationWorkstation, type Station } from './registration-fixture';

let station: Station;
beforeAll(async () => {
  station = await registrationWorkstation('MA');
});
afterAll(() => station.close());

const renderer = () => station.host.forRenderer();
const asRenderer = (name: string, args: unknown) =>
  renderer().invoke(name, args) as Promise<Envelope<unknown>>;
const codeOf = (envelope: Envelope<unknown>) => (envelope.ok ? 'ok' : envelope.error.code);

async function signIn(username: string) {
  await asRenderer('auth.signOut', {});
  const signed = await asRenderer('auth.signIn', { username, password: DEMO_PASSWORD });
  expect(codeOf(signed)).toBe('ok');
}

describe('registration’s access rules', () => {
  it('refuses everything to nobody signed in', async () => {
    await asRenderer('auth.signOut', {});
    for (const [name, args] of [
      ['patients.register', { draft: draft() }],
      ['patients.findDuplicates', { draft: draft() }],
      ['reference.places', {}],
    ] as const)
      expect(codeOf(await asRenderer(name, args)), name).toBe('AUTH_REQUIRED');
  });

  it('lets a nurse register; the audit names her', async () => {
    await signIn('infirmier');
    const registered = await asRenderer('patients.register', {
      draft: draft({
        latin: { family: 'Ouazzani', given: 'Leila' },
        gender: 'female',
        arabic: { family: '', given: '' },
      }),
    });
    expect(codeOf(registered)).toBe('ok');
    const patientId = (registered as { value: RegistrationResult }).value.patient.id;
    const trail = await station.call<AuditTrailEntry[]>('record.auditTrail', { patientId });
    expect(trail.find((entry) => entry.action === 'C')?.practitionerDisplay).toMatch(/Ait Taleb/);
  });

  it('lets a radiologist read the reference lists, not register nor edit', async () => {
    const patient = await station.call<RegistrationResult>('patients.register', {
      draft: draft({ latin: { family: 'Kettani', given: 'Omar' }, arabic: { family: '', given: '' } }),
    });
    await signIn('radiologue');
    expect(codeOf(await asRenderer('reference.places', {}))).toBe('ok');
    expect(codeOf(await asRenderer('reference.coverages', {}))).toBe('ok');
    for (const [name, args] of [
      ['patients.register', { draft: draft() }],
      ['patients.checkDraft', { draft: draft() }],
      ['patients.findDuplicates', { draft: draft() }],
      [
        'patients.update',
        { patientId: patient.patient.id, version: patient.version, coverageVersion: null, draft: draft() },
      ],
    ] as const)
      expect(codeOf(await asRenderer(name, args)), name).toBe('PERMISSION_DENIED');
  });
});
