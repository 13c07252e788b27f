/**
 * The audit trail: every opening of a patient's record and every write, appended as a FHIR R4
 * AuditEvent (who, which patient, what action, when, from which workstation) and queued for
 * sync through the outbox. The table refuses UPDATE and DELETE (migration 0001).
 *
 * Codes: type DCM 110110 "Patient Record" (DICOM PS3.16 CID 400, as IHE BALP uses); subtype the
 * FHIR restful interaction; entity type/role from the R4 audit-entity-type and object-role code systems.
 */
import type { AuditEvent, AuditEventEntity, Coding } from '@medplum/fhirtypes';
import type { AuditTrailEntry } from '../contract/types';
import { timeOrderedId } from './time-ordered-id';
import type { Actor, Workstation } from './actor';
import { slot, type Statement, type SyncQueries } from './database/sync-queries';
import { sql, type Kysely } from 'kysely';
import type { RecordDatabase } from './database/schema';

export type AuditAction = 'C' | 'R' | 'U' | 'D' | 'E';

const interactionOf: Record<AuditAction, string> = {
  C: 'create',
  R: 'read',
  U: 'update',
  D: 'delete',
  E: 'operation',
};

export interface AuditEntry {
  action: AuditAction;
  patientId: string | null;
  /** The resource acted upon, when it is not the patient itself. */
  entity?: { type: string; id: string } | null;
  /** Free text kept with the event (e.g. "demo seed: 12 resources", a break-the-glass reason). */
  description?: string;
  /** Why the agent acted, when it is not plain care (e.g. v3-ActReason BTG, main/auth/break-glass.ts). */
  purposeOfEvent?: Coding;
}

export class AuditLog {
  private readonly insertEvent: Statement;
  private readonly insertOutbox: Statement;

  constructor(
    private readonly kysely: Kysely<RecordDatabase>,
    private readonly queries: SyncQueries,
    private readonly workstation: Workstation,
  ) {
    this.insertEvent = queries.prepare(
      kysely.insertInto('audit_event').values({
        id: slot<string>(),
        recorded: slot<string>(),
        action: slot<AuditAction>(),
        practitioner: slot<string>(),
        patient_id: slot<string | null>(),
        entity_type: slot<string | null>(),
        entity_id: slot<string | null>(),
        workstation: slot<string>(),
        json: slot<string>(),
      }),
    );
    this.insertOutbox = queries.prepare(
      kysely.insertInto('outbox').values({
        resource_type: sql.lit('AuditEvent'),
        resource_id: slot<string>(),
        version: sql.lit(1),
        operation: sql.lit('create'),
        recorded: slot<string>(),
        practitioner: slot<string>(),
      }),
    );
  }

  toAuditEvent(id: string, recorded: string, actor: Actor, entry: AuditEntry): AuditEvent {
    const entities: AuditEventEntity[] = [];
    if (entry.patientId) {
      entities.push({
        what: { reference: `Patient/${entry.patientId}` },
        type: {
          system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
          code: '1',
          display: 'Person',
        },
        role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
      });
    }
    if (entry.entity) {
      entities.push({
        what: { reference: `${entry.entity.type}/${entry.entity.id}` },
        type: {
          system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
          code: '2',
          display: 'System Object',
        },
        role: {
          system: 'http://terminology.hl7.org/CodeSystem/object-role',
          code: '4',
          display: 'Domain Resource',
        },
      });
    }
    return {
      resourceType: 'AuditEvent',
      id,
      type: {
        system: 'http://dicom.nema.org/resources/ontology/DCM',
        code: '110110',
        display: 'Patient Record',
      },
      subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: interactionOf[entry.action] }],
      action: entry.action,
      recorded,
      outcome: '0',
      ...(entry.description ? { outcomeDesc: entry.description } : {}),
      ...(entry.purposeOfEvent ? { purposeOfEvent: [{ coding: [entry.purposeOfEvent] }] } : {}),
      agent: [
        {
          who: { reference: actor.reference, display: actor.display },
          requestor: true,
          ...(entry.purposeOfEvent ? { purposeOfUse: [{ coding: [entry.purposeOfEvent] }] } : {}),
        },
      ],
      source: {
        observer: { identifier: { system: 'urn:tabib:workstation', value: this.workstation.id } },
        ...(this.workstation.facilityId ? { site: this.workstation.facilityId } : {}),
        type: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
            code: '1',
            display: 'End-user display device, diagnostic display',
          },
        ],
      },
      entity: entities,
    };
  }

  /** Appends one entry and queues it for sync. Call inside the write's transaction. */
  append(actor: Actor, entry: AuditEntry, recorded: string): string {
    const id = timeOrderedId();
    const event = this.toAuditEvent(id, recorded, actor, entry);
    this.insertEvent.run(
      id,
      recorded,
      entry.action,
      actor.reference,
      entry.patientId,
      entry.entity?.type ?? null,
      entry.entity?.id ?? null,
      this.workstation.id,
      JSON.stringify(event),
    );
    this.insertOutbox.run(id, recorded, actor.reference);
    return id;
  }

  /** Who accessed a patient's record, oldest first. */
  forPatient(patientId: string, limit = 1000): AuditTrailEntry[] {
    const rows = this.queries.all(
      this.kysely
        .selectFrom('audit_event')
        .select(['recorded', 'action', 'practitioner', 'entity_type', 'entity_id', 'workstation', 'json'])
        .where('patient_id', '=', patientId)
        .orderBy('recorded')
        .orderBy('seq')
        .limit(limit),
    );
    return rows.map((row) => {
      const event = JSON.parse(row.json) as AuditEvent;
      return {
        recorded: row.recorded,
        action: row.action,
        practitioner: row.practitioner,
        practitionerDisplay: event.agent?.[0]?.who?.display ?? null,
        entity: row.entity_type && row.entity_id ? `${row.entity_type}/${row.entity_id}` : null,
        workstation: row.workstation,
        description: event.outcomeDesc ?? null,
      };
    });
  }
}
