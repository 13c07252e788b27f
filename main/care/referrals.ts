/**
 * Referrals: a FHIR R4 ServiceRequest (workflow request pattern) whose
 * - `category` (and `code`) is SNOMED CT 3457005 "Patient referral";
 * - `performerType` is the specialty, SNOMED CT (resources/terminology/specialties.json), with the
 *   French label as text;
 * - `performer` is the facility: a logical reference (identifier in the country's list, and its
 *   French name as display; FHIR R4 references.html#logical) or a name typed as free text;
 * - `reasonCode` holds the reason as written, `priority` FHIR request-priority, `requester` the
 *   practitioner, `authoredOn` the moment it was written, `encounter` the visit it came from.
 * Status follows the FHIR request life cycle (request-status): draft → active → completed, and
 * draft or active → revoked; completed and revoked are final. Only a draft's content may change.
 */
import type { CodeableConcept, Organization, Reference, ServiceRequest } from '@medplum/fhirtypes';
import type {
  Labels,
  ReferralFacilityOption,
  ReferralPriority,
  ReferralStatus,
  ReferralView,
} from '../contract/care-types';
import { countries, type Country } from '../contract/types';
import { TabibError } from '../errors';
import type { LocalRecord } from '../record/local-record';
import type { StoredResource } from '../record/resource-store';
import type { CareContext } from './care-context';
import { loadReferralDirectory, SNOMED, type ReferralDirectory } from './referral-directory';
import {
  actorReference,
  patientResources,
  referenceId,
  requirePatient,
  requireStored,
} from './stored-resources';

export const PATIENT_REFERRAL = { system: SNOMED, code: '3457005', display: 'Patient referral' } as const;

/** Which status may follow which (FHIR R4 request-status, the part a referral uses). */
export const referralTransitions: Record<ReferralStatus, readonly ReferralStatus[]> = {
  draft: ['active', 'revoked'],
  active: ['completed', 'revoked'],
  completed: [],
  revoked: [],
};

export type FacilityChoice = { code: string } | { text: string };

export interface ReferralInput {
  patientId: string;
  /** A specialty key of Tabib's list (e.g. `cardiology`). */
  specialty: string;
  facility: FacilityChoice | null;
  reason: string;
  priority: ReferralPriority;
  /** `draft` to finish later, `active` (the default) when it is sent. */
  status?: 'draft' | 'active';
  note?: string | undefined;
  encounterId?: string | undefined;
}

export interface ReferralChange {
  id: string;
  /** The version the clinician saw (ReferralView.version). */
  version: number;
  status?: ReferralStatus | undefined;
  /** Content changes: a draft only. */
  specialty?: string | undefined;
  facility?: FacilityChoice | null | undefined;
  reason?: string | undefined;
  priority?: ReferralPriority | undefined;
  note?: string | null | undefined;
}

export function isReferral(request: ServiceRequest): boolean {
  return (request.category ?? []).some((category) =>
    (category.coding ?? []).some(
      (coding) => coding.system === PATIENT_REFERRAL.system && coding.code === PATIENT_REFERRAL.code,
    ),
  );
}

const FACILITY_SYSTEM = /^urn:tabib:([a-z]{2}):referral-facility$/;

/** The facility a code names, in the list of the country its code starts with. */
function facilityByCode(directory: ReferralDirectory, code: string): ReferralFacilityOption | null {
  const country = code.slice(0, 2) as Country;
  if (!(countries as readonly string[]).includes(country)) return null;
  return directory.facilities(country).byCode.get(code) ?? null;
}

function specialtyConcept(directory: ReferralDirectory, key: string): CodeableConcept {
  const specialty = directory.specialtyByKey.get(key);
  if (!specialty)
    throw new TabibError('REFERRAL_SPECIALTY_UNKNOWN', `No specialty ${key} in Tabib's list`, {
      specialty: key,
    });
  return {
    coding: [{ system: specialty.system, code: specialty.code, display: specialty.labels.en }],
    text: specialty.labels.fr,
  };
}

function facilityReference(
  directory: ReferralDirectory,
  country: Country,
  choice: FacilityChoice,
): Reference<Organization> {
  if ('text' in choice) return { display: choice.text };
  const facility = directory.facilities(country).byCode.get(choice.code);
  if (!facility)
    throw new TabibError('REFERRAL_FACILITY_UNKNOWN', `No facility ${choice.code} in the ${country} list`, {
      facility: choice.code,
    });
  return {
    type: 'Organization',
    identifier: { system: facility.system, value: facility.code },
    display: `${facility.name.fr}, ${facility.city.fr}`,
  };
}

/** A referral as the chart lists it, with the labels of its specialty and facility. */
export function referralViewOf(
  stored: StoredResource<ServiceRequest>,
  directory: ReferralDirectory,
): ReferralView {
  const request = stored.resource;
  const coding = request.performerType?.coding?.find((entry) => entry.system === SNOMED && entry.code);
  const specialty = coding?.code ? directory.specialtyByCode.get(coding.code) : undefined;
  const labels: Labels | null = specialty ? specialty.labels : null;
  const performer = request.performer?.[0];
  const code =
    performer?.identifier?.system && FACILITY_SYSTEM.test(performer.identifier.system)
      ? (performer.identifier.value ?? null)
      : null;
  const facility = code ? facilityByCode(directory, code) : null;
  const requester = request.requester;
  return {
    id: request.id as string,
    version: stored.version,
    patientId: referenceId(request.subject, 'Patient') ?? '',
    status: request.status as ReferralStatus,
    priority: (request.priority ?? 'routine') as ReferralPriority,
    specialty: {
      code: coding?.code ?? null,
      text: request.performerType?.text ?? coding?.display ?? '',
      labels,
    },
    facility: performer
      ? {
          code,
          text: performer.display ?? code ?? '',
          name: facility
            ? {
                fr: `${facility.name.fr}, ${facility.city.fr}`,
                ar: `${facility.name.ar}، ${facility.city.ar}`,
              }
            : null,
        }
      : null,
    reason: (request.reasonCode ?? []).map((reason) => reason.text ?? '').join('\n'),
    note: request.note?.map((note) => note.text).join('\n') || null,
    authoredOn: request.authoredOn ?? null,
    lastUpdated: request.meta?.lastUpdated ?? null,
    requester: requester
      ? { reference: requester.reference ?? '', display: requester.display ?? null }
      : null,
    encounterId: referenceId(request.encounter, 'Encounter'),
  };
}

export class Referrals {
  constructor(private readonly context: CareContext) {}

  directory(): ReferralDirectory {
    return loadReferralDirectory(this.context.resourcesDir);
  }

  private view(stored: StoredResource<ServiceRequest>): ReferralView {
    return referralViewOf(stored, this.directory());
  }

  async create(input: ReferralInput): Promise<ReferralView> {
    const record = await this.context.openRecord();
    const directory = this.directory();
    requirePatient(record, input.patientId);
    if (input.encounterId) requireStored(record, 'Encounter', input.encounterId);
    const actor = this.context.actor();
    const request: ServiceRequest = {
      resourceType: 'ServiceRequest',
      status: input.status ?? 'active',
      intent: 'order',
      category: [{ coding: [{ ...PATIENT_REFERRAL }] }],
      code: { coding: [{ ...PATIENT_REFERRAL }] },
      priority: input.priority,
      subject: { reference: `Patient/${input.patientId}` },
      ...(input.encounterId ? { encounter: { reference: `Encounter/${input.encounterId}` } } : {}),
      authoredOn: this.context.now().toISOString(),
      requester: actorReference(record, actor),
      performerType: specialtyConcept(directory, input.specialty),
      ...(input.facility
        ? { performer: [facilityReference(directory, this.context.country(), input.facility)] }
        : {}),
      reasonCode: [{ text: input.reason }],
      ...(input.note ? { note: [{ text: input.note }] } : {}),
    };
    return this.view(record.store.create(request, actor));
  }

  async update(change: ReferralChange): Promise<ReferralView> {
    const record = await this.context.openRecord();
    const directory = this.directory();
    const stored = requireStored<ServiceRequest>(record, 'ServiceRequest', change.id);
    if (!isReferral(stored.resource))
      throw new TabibError('RESOURCE_NOT_FOUND', `ServiceRequest/${change.id} is not a referral`);
    if (stored.version !== change.version)
      throw new TabibError('VERSION_CONFLICT', `ServiceRequest/${change.id} changed meanwhile`, {
        expected: change.version,
        current: stored.version,
      });
    const current = stored.resource.status as ReferralStatus;
    let next: ServiceRequest = { ...stored.resource };
    const editsContent =
      change.specialty !== undefined ||
      change.facility !== undefined ||
      change.reason !== undefined ||
      change.priority !== undefined ||
      change.note !== undefined;
    if (editsContent) {
      if (current !== 'draft')
        throw new TabibError('REFERRAL_NOT_EDITABLE', `A ${current} referral cannot be changed`, {
          status: current,
        });
      if (change.specialty !== undefined) next.performerType = specialtyConcept(directory, change.specialty);
      if (change.facility !== undefined) {
        if (change.facility === null) delete next.performer;
        else next.performer = [facilityReference(directory, this.context.country(), change.facility)];
      }
      if (change.reason !== undefined) next.reasonCode = [{ text: change.reason }];
      if (change.priority !== undefined) next.priority = change.priority;
      if (change.note !== undefined) {
        if (change.note) next.note = [{ text: change.note }];
        else delete next.note;
      }
    }
    if (change.status !== undefined && change.status !== current) {
      if (!referralTransitions[current]?.includes(change.status))
        throw new TabibError(
          'REFERRAL_STATUS_INVALID',
          `A ${current} referral cannot become ${change.status}`,
          {
            from: current,
            to: change.status,
          },
        );
      next = { ...next, status: change.status };
      // Sent now: the letter carries the day it was signed, not the day the draft was begun.
      if (current === 'draft' && change.status === 'active')
        next.authoredOn = this.context.now().toISOString();
    }
    if (!editsContent && next.status === current) return this.view(stored);
    return this.view(record.store.update(next, this.context.actor(), change.version));
  }

  async list(patientId: string): Promise<ReferralView[]> {
    const record = await this.context.openRecord();
    requirePatient(record, patientId);
    return patientResources<ServiceRequest>(record, patientId, 'ServiceRequest')
      .filter((stored) => isReferral(stored.resource))
      .map((stored) => this.view(stored));
  }

  /** One referral (the printout reads it). */
  async read(id: string): Promise<ReferralView> {
    const record: LocalRecord = await this.context.openRecord();
    const stored = requireStored<ServiceRequest>(record, 'ServiceRequest', id);
    if (!isReferral(stored.resource))
      throw new TabibError('RESOURCE_NOT_FOUND', `ServiceRequest/${id} is not a referral`);
    return this.view(stored);
  }
}
