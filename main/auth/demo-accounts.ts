/**
 * The demonstration's accounts: a doctor, a nurse, a radiologist and an administrator, all with
 * one password that the sign-in screen shows (in demo mode only). The doctor and the nurse are
 * the demonstration centre's own staff (main/record/demo/practitioners.ts): the doctor is
 * DEMO_ACTOR_ID, who signs the seeded records, so a demo visit is documented by the same Dr Haddad
 * the history shows. The centre has no radiologist nor administrator: they get Practitioners of
 * their own, with fixed ids so that creating the accounts twice changes nothing.
 *
 * The accounts are made with the seed (setup.startDemo), and for a demonstration workstation
 * that has none (one set up before accounts existed): they are part of what a demonstration is.
 */
import type { Practitioner } from '@medplum/fhirtypes';
import type { DemoAccountView } from '../contract/auth-types';
import type { Role } from '../contract/permissions';
import type { Country } from '../contract/types';
import type { Actor } from '../record/actor';
import { SYSTEM, coded } from '../record/demo/fhir-coding';
import {
  DEMO_ACTOR_ID,
  generateDemoPractitioners,
  humanNames,
  practitionerDisplay,
  staffRole,
} from '../record/demo/practitioners';
import type { PractitionerAccounts } from './practitioner-accounts';

/** Shown on the sign-in screen of a demonstration, never elsewhere; synthetic patients only. */
export const DEMO_PASSWORD = 'demo-tabib-2026';

interface DemoAccount {
  username: string;
  role: Role;
  practitioner: Practitioner & { id: string };
}

const RADIOLOGIST_ID = 'de300000-0d00-8000-8000-000000000101';
const ADMINISTRATOR_ID = 'de300000-0d00-8000-8000-000000000102';

function demoAccounts(country: Country, now: Date): DemoAccount[] {
  const staff = generateDemoPractitioners({ country, now }).practitioners;
  const doctor = staff.find((practitioner) => practitioner.id === DEMO_ACTOR_ID);
  const nurse = staff.find((practitioner) => staffRole(practitioner) === 'nurse');
  if (!doctor?.id || !nurse?.id) throw new Error('The demonstration centre has no doctor or nurse');
  const radiologist: Practitioner & { id: string } = {
    resourceType: 'Practitioner',
    id: RADIOLOGIST_ID,
    active: true,
    name: humanNames(['Leïla', 'Mansour'], ['ليلى', 'منصور'], ['Dr', 'د.']),
    gender: 'female',
    qualification: [
      { code: { ...coded(SYSTEM.degree, 'MD', 'Doctor of Medicine'), text: 'Médecin radiologue' } },
    ],
  };
  const administrator: Practitioner & { id: string } = {
    resourceType: 'Practitioner',
    id: ADMINISTRATOR_ID,
    active: true,
    name: humanNames(['Omar', 'Saïdi'], ['عمر', 'السعيدي']),
    gender: 'male',
  };
  return [
    { username: 'medecin', role: 'doctor', practitioner: { ...doctor, id: doctor.id } },
    { username: 'infirmier', role: 'nurse', practitioner: { ...nurse, id: nurse.id } },
    { username: 'radiologue', role: 'radiologist', practitioner: radiologist },
    { username: 'admin', role: 'administrator', practitioner: administrator },
  ];
}

function displayOf(account: DemoAccount): string {
  // The radiologist is a doctor too: "Dr" like the centre's doctors.
  if (account.role === 'radiologist') {
    const name = account.practitioner.name?.[0];
    return `Dr ${[...(name?.given ?? []), name?.family ?? ''].join(' ').trim()}`;
  }
  return practitionerDisplay(account.practitioner);
}

/** What the sign-in screen offers. */
export function demoAccountViews(country: Country, now: Date): DemoAccountView[] {
  return demoAccounts(country, now).map((account) => ({
    username: account.username,
    displayName: displayOf(account),
    role: account.role,
  }));
}

/** Creates the demo accounts that do not exist yet (and their Practitioners, if the seed has not). */
export async function ensureDemoAccounts(
  accounts: PractitionerAccounts,
  country: Country,
  now: Date,
  actor: Actor,
): Promise<number> {
  let created = 0;
  for (const account of demoAccounts(country, now)) {
    if (await accounts.byUsername(account.username)) continue;
    await accounts.create(
      {
        username: account.username,
        displayName: displayOf(account),
        roles: [account.role],
        password: DEMO_PASSWORD,
        practitioner: account.practitioner,
      },
      actor,
    );
    created++;
  }
  return created;
}
