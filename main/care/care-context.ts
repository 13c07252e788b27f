/** What the care services need from the workstation: its record, who acts, its clock and country. */
import type { Country } from '../contract/types';
import type { Actor } from '../record/actor';
import type { LocalRecord } from '../record/local-record';
import { clinicTimeZones } from './clinic-time';

export interface CareContext {
  openRecord(): Promise<LocalRecord>;
  /** The practitioner signed in (services.record.actor()). */
  actor(): Actor;
  now(): Date;
  /** The workstation's country (its configuration): the clinic's time zone and referral facilities. */
  country(): Country;
  resourcesDir: string;
}

export function clinicTimeZone(context: CareContext): string {
  return clinicTimeZones[context.country()];
}

/** `Practitioner/<id>` → id; null for another kind of actor (the CLI's Device, say). */
export function practitionerIdOf(reference: string): string | null {
  const match = /^Practitioner\/([A-Za-z0-9\-.]{1,64})$/.exec(reference);
  return match ? (match[1] as string) : null;
}
