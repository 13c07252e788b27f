/**
 * Referrals through the contract, as the chart makes them: a ServiceRequest (SNOMED CT 3457005) to
 * a specialty of Tabib's list and a facility of the country's list (or typed), its status changes
 * (draft → active → completed, revoked), each write with its outbox and audit entries, and the
 * refusals a clinician may meet.
 */
import type { ServiceRequest } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferralFacilities, ReferralView, SpecialtyOption } from '../../main/contract/care-types';
import { DEMO_ACTOR_ID } from '../../main/record/demo/practitioners';
import { careWorkstation, refusal, tableCounts, trailOf, type CareWorkstation } from './care-workstation';

let station: CareWorkstation;
const doctor = `Practitioner/${DEMO_ACTOR_ID}`;

beforeAll(async () => {
  station = await careWorkstation({ country: 'MA' });
});
afterAll(async () => {
  await station.close();
});

describe('the lists a referral is made from', () => {
  it('gives the specialties with SNOMED CT codes and labels in French, Arabic and English', async () => {
    const specialties = await station.call<SpecialtyOption[]>('referrals.specialties');
    const keys = specialties.map((specialty) => specialty.key);
    for (const key of [
      'cardiology',
      'endocrinology',
      'gynaecology-obstetrics',
      'paediatrics',
      'pneumology',
      'nephrology',
      'neurology',
      'psychiatry',
      'ophthalmology',
      'ent',
      'dermatology',
      'gastroenterology',
      'rheumatology',
      'orthopaedics',
      'general-surgery',
      'urology',
      'oncology',
      'infectious-diseases',
      'radiology',
    ])
      expect(keys).toContain(key);
    const cardiology = specialties.find((specialty) => specialty.key === 'cardiology');
    expect(cardiology).toMatchObject({
      system: 'http://snomed.info/sct',
      code: '394579002',
      labels: { fr: 'Cardiologie', en: 'Cardiology' },
    });
    expect(cardiology?.labels.ar).toMatch(/[\u0600-\u06FF]/);
  });

  it('gives the referral facilities of the workstation’s country, in French and Arabic, with their source', async () => {
    const list = await station.call<ReferralFacilities>('referrals.facilities');
    expect(list.source).toMatch(/not an official registry/);
    expect(list.facilities.length).toBeGreaterThan(10);
    for (const facility of list.facilities) {
      expect(facility.code.startsWith('MA-')).toBe(true);
      expect(facility.name.ar).toMatch(/[\u0600-\u06FF]/);
      expect(facility.name.fr).not.toMatch(/[\u0600-\u06FF]/);
    }
    expect(list.facilities.map((facility) => facility.name.fr)).toContain('CHU Ibn Sina');
  });
});

describe('a referral’s round trip', () => {
  let referral: ReferralView;

  it('refers a patient to cardiology at a CHU, as a ServiceRequest with outbox and audit entries', async () => {
    const patientId = station.patientIds[0] as string;
    referral = await station.call<ReferralView>('referrals.create', {
      patientId,
      specialty: 'cardiology',
      facility: { code: 'MA-CHU-IBN-SINA' },
      reason: 'Dyspnée d’effort, souffle systolique 3/6 au foyer aortique',
      priority: 'urgent',
    });
    expect(referral).toMatchObject({
      patientId,
      status: 'active',
      priority: 'urgent',
      specialty: { code: '394579002', text: 'Cardiologie' },
      facility: { code: 'MA-CHU-IBN-SINA', name: { fr: 'CHU Ibn Sina, Rabat' } },
      reason: 'Dyspnée d’effort, souffle systolique 3/6 au foyer aortique',
      requester: { reference: doctor },
      version: 1,
    });
    expect(referral.facility?.name?.ar).toBe('المركز الاستشفائي الجامعي ابن سينا، الرباط');
    expect(referral.authoredOn).toBe(new Date('2026-11-22T09:30:00+01:00').toISOString());

    const stored = station.record.store.read<ServiceRequest>('ServiceRequest', referral.id);
    expect(stored).toMatchObject({
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      category: [{ coding: [{ system: 'http://snomed.info/sct', code: '3457005' }] }],
      subject: { reference: `Patient/${patientId}` },
      requester: { reference: doctor },
      performerType: { coding: [{ system: 'http://snomed.info/sct', code: '394579002' }] },
      performer: [{ identifier: { system: 'urn:tabib:ma:referral-facility', value: 'MA-CHU-IBN-SINA' } }],
      reasonCode: [{ text: referral.reason }],
      priority: 'urgent',
    });
    expect(trailOf(station.record, 'ServiceRequest', referral.id)).toEqual({
      outbox: [{ operation: 'create', version: 1, practitioner: doctor }],
      audit: [{ action: 'C', practitioner: doctor, patient_id: patientId }],
    });
  });

  it('lists it in the patient’s chart, and only that patient’s referrals', async () => {
    const mine = await station.call<ReferralView[]>('referrals.list', { patientId: referral.patientId });
    expect(mine).toEqual([referral]);
    const other = await station.call<ReferralView[]>('referrals.list', {
      patientId: station.patientIds[1] as string,
    });
    expect(other.map((entry) => entry.id)).not.toContain(referral.id);
  });

  it('completes it when the specialist’s answer comes back, each change a new version with its trail', async () => {
    const completed = await station.call<ReferralView>('referrals.update', {
      id: referral.id,
      version: referral.version,
      status: 'completed',
    });
    expect(completed).toMatchObject({ status: 'completed', version: 2 });
    expect(trailOf(station.record, 'ServiceRequest', referral.id)).toEqual({
      outbox: [
        { operation: 'create', version: 1, practitioner: doctor },
        { operation: 'update', version: 2, practitioner: doctor },
      ],
      audit: [
        { action: 'C', practitioner: doctor, patient_id: referral.patientId },
        { action: 'U', practitioner: doctor, patient_id: referral.patientId },
      ],
    });
    // Completed is final: it can be neither revoked nor reopened, and nothing is written.
    const before = tableCounts(station.record);
    for (const status of ['revoked', 'active', 'draft'] as const) {
      const error = await refusal(
        station.call('referrals.update', { id: referral.id, version: completed.version, status }),
      );
      expect(error).toMatchObject({
        code: 'REFERRAL_STATUS_INVALID',
        details: { from: 'completed', to: status },
      });
    }
    expect(tableCounts(station.record)).toEqual(before);
  });

  it('refuses a change made from an outdated version', async () => {
    const error = await refusal(
      station.call('referrals.update', { id: referral.id, version: referral.version, status: 'revoked' }),
    );
    expect(error).toMatchObject({ code: 'VERSION_CONFLICT', details: { expected: 1, current: 2 } });
  });
});

describe('drafts and status changes', () => {
  it('keeps a draft editable, sends it (dated then), and refuses edits once sent', async () => {
    const patientId = station.patientIds[2] as string;
    const draft = await station.call<ReferralView>('referrals.create', {
      patientId,
      specialty: 'ophthalmology',
      facility: null,
      reason: 'Baisse d’acuité visuelle',
      priority: 'routine',
      status: 'draft',
    });
    expect(draft).toMatchObject({ status: 'draft', facility: null, specialty: { code: '394594003' } });

    const edited = await station.call<ReferralView>('referrals.update', {
      id: draft.id,
      version: draft.version,
      specialty: 'endocrinology',
      facility: { text: 'Cabinet du Dr Alami, Kénitra' },
      priority: 'asap',
      reason: 'Rétinopathie diabétique à confirmer',
    });
    expect(edited).toMatchObject({
      status: 'draft',
      version: 2,
      priority: 'asap',
      reason: 'Rétinopathie diabétique à confirmer',
      specialty: { code: '394583002' },
      facility: { code: null, text: 'Cabinet du Dr Alami, Kénitra', name: null },
    });

    const sent = await station.call<ReferralView>('referrals.update', {
      id: draft.id,
      version: edited.version,
      status: 'active',
    });
    expect(sent).toMatchObject({ status: 'active', version: 3 });

    const error = await refusal(
      station.call('referrals.update', { id: draft.id, version: sent.version, reason: 'autre chose' }),
    );
    expect(error).toMatchObject({ code: 'REFERRAL_NOT_EDITABLE', details: { status: 'active' } });

    const revoked = await station.call<ReferralView>('referrals.update', {
      id: draft.id,
      version: sent.version,
      status: 'revoked',
    });
    expect(revoked).toMatchObject({ status: 'revoked', version: 4 });
    const audit = trailOf(station.record, 'ServiceRequest', draft.id).audit.map((entry) => entry.action);
    expect(audit).toEqual(['C', 'U', 'U', 'U']);
  });

  it('writes nothing when the status asked is the one it has', async () => {
    const patientId = station.patientIds[2] as string;
    const referral = await station.call<ReferralView>('referrals.create', {
      patientId,
      specialty: 'dermatology',
      facility: { code: 'MA-CHU-IBN-ROCHD' },
      reason: 'Lésion pigmentée évolutive',
      priority: 'routine',
    });
    const before = tableCounts(station.record);
    const same = await station.call<ReferralView>('referrals.update', {
      id: referral.id,
      version: referral.version,
      status: 'active',
    });
    expect(same).toEqual(referral);
    expect(tableCounts(station.record)).toEqual(before);
  });
});

describe('refusals, with nothing written', () => {
  const valid = () => ({
    patientId: station.patientIds[0] as string,
    specialty: 'cardiology',
    facility: { code: 'MA-CHU-IBN-SINA' },
    reason: 'Palpitations',
    priority: 'routine',
  });

  it.each([
    ['an unknown specialty', { specialty: 'astrology' }, 'REFERRAL_SPECIALTY_UNKNOWN'],
    ['a facility of another country', { facility: { code: 'DZ-CHU-MUSTAPHA' } }, 'REFERRAL_FACILITY_UNKNOWN'],
    ['an unknown patient', { patientId: 'no-such-patient' }, 'RESOURCE_NOT_FOUND'],
    ['an empty reason', { reason: '   ' }, 'INVALID_ARGUMENT'],
    ['a priority FHIR does not know', { priority: 'whenever' }, 'INVALID_ARGUMENT'],
    ['a visit that does not exist', { encounterId: 'no-such-visit' }, 'RESOURCE_NOT_FOUND'],
  ])('refuses %s', async (_what, change, code) => {
    const before = tableCounts(station.record);
    const error = await refusal(station.call('referrals.create', { ...valid(), ...change }));
    expect(error.code).toBe(code);
    expect(tableCounts(station.record)).toEqual(before);
  });

  it('does not take a lab order (another ServiceRequest) for a referral', async () => {
    const patientId = station.patientIds[3] as string;
    const order = station.record.store.create<ServiceRequest>(
      {
        resourceType: 'ServiceRequest',
        status: 'active',
        intent: 'order',
        category: [
          {
            coding: [
              { system: 'http://snomed.info/sct', code: '108252007', display: 'Laboratory procedure' },
            ],
          },
        ],
        subject: { reference: `Patient/${patientId}` },
      },
      station.host.services.record.actor(),
    );
    expect(await station.call('referrals.list', { patientId })).toEqual([]);
    const error = await refusal(
      station.call('referrals.update', {
        id: order.resource.id,
        version: order.version,
        status: 'completed',
      }),
    );
    expect(error.code).toBe('RESOURCE_NOT_FOUND');
  });
});
