/**
 * Who may do what with medicines, labs and immunizations, checked where calls arrive (the
 * session's guard, main/auth/call-guard.ts), as the window makes them: a nurse cannot sign a
 * prescription but records lab results and vaccine doses; a radiologist cannot change the
 * medication list; a doctor who signs in signs in their own name.
 */
import type { MedicationRequest } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthStatus } from '../../main/contract/auth-types';
import type {
  ImmunizationChartView,
  MedicationListView,
  RecordedLabs,
  SignedPrescription,
} from '../../main/contract/medication-types';
import { failure, medicationWorkstation, type MedicationWorkstation } from './medication-workstation';

let station: MedicationWorkstation;
beforeAll(async () => {
  station = await medicationWorkstation();
});
afterAll(() => station.close());

const paracetamol = {
  atc: 'N02BE01',
  form: 'comprimé',
  strength: '500 mg',
  dose: 1,
  unit: 'tablet',
  frequency: 3,
  period: 1,
  periodUnit: 'd',
  durationDays: 3,
  asNeeded: true,
  instructions: null,
};

describe('medication permissions at the contract', () => {
  it('a nurse cannot sign nor draft a prescription, but reads the list, records labs and doses', async () => {
    const patient = station.patient({ birthDate: '2026-09-22', gender: 'female' });
    await station.signInAs('nurse');
    const sign = await failure(
      station.rendererCall('prescriptions.sign', {
        patientId: patient.id,
        items: [paracetamol],
        acknowledgedWarnings: [],
      }),
    );
    expect(sign.code).toBe('PERMISSION_DENIED');
    expect(
      (
        await failure(
          station.rendererCall('prescriptions.saveDraft', { patientId: patient.id, items: [paracetamol] }),
        )
      ).code,
    ).toBe('PERMISSION_DENIED');
    expect(
      (await station.rendererCall<MedicationListView>('medications.list', { patientId: patient.id })).current,
    ).toEqual([]);
    const labs = await station.rendererCall<RecordedLabs>('labs.record', {
      patientId: patient.id,
      effective: '2026-11-20',
      results: [{ code: '718-7', value: 11.2 }],
    });
    expect(labs.observationIds).toHaveLength(1);
    const doses = await station.rendererCall<ImmunizationChartView>('immunizations.record', {
      patientId: patient.id,
      vaccine: 'BCG',
      dose: 1,
      date: '2026-09-23',
    });
    expect(doses.schedule.find((dose) => dose.series === 'BCG')?.status).toBe('given');
    await station.rendererCall('auth.signOut');
  });

  it('a radiologist cannot change the medication list', async () => {
    const patient = station.patient({ birthDate: '1970-01-01', gender: 'male' });
    const taken = station.taking(patient.id, 'C10AA05');
    await station.signInAs('radiologist');
    expect(
      (await failure(station.rendererCall('medications.stop', { id: taken.id, reason: 'x' }))).code,
    ).toBe('PERMISSION_DENIED');
    expect(station.record.store.read<MedicationRequest>('MedicationRequest', taken.id)?.status).toBe(
      'active',
    );
    await station.rendererCall('auth.signOut');
  });

  it('nothing without a session, and a doctor who signs in is the requester and the audited practitioner', async () => {
    const patient = station.patient({ birthDate: '1985-05-05', gender: 'female' });
    expect((await failure(station.rendererCall('medications.list', { patientId: patient.id }))).code).toBe(
      'AUTH_REQUIRED',
    );
    const status = await station.signInAs('doctor', 'dr.alaoui');
    const practitioner = status.user!.practitioner.reference;
    expect(practitioner).toMatch(/^Practitioner\//);
    const signed = await station.rendererCall<SignedPrescription>('prescriptions.sign', {
      patientId: patient.id,
      items: [paracetamol],
      acknowledgedWarnings: [],
    });
    expect(signed.prescription.requester?.reference).toBe(practitioner);
    const id = signed.prescription.medications[0]!.id;
    expect(station.outbox('MedicationRequest', id)).toEqual([{ operation: 'create', practitioner }]);
    await station.rendererCall<AuthStatus>('auth.signOut');
  });
});
