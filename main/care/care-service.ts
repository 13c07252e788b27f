/**
 * The care part of the doctor's workspace (issue 5): referrals, appointments and attached
 * documents, over the record's store (each write one transaction with its outbox and audit
 * entries, by the practitioner acting).
 */
import type { ConfigStore } from '../config/config-store';
import type { RecordService } from '../record/record-service';
import { Appointments } from './appointments';
import { AttachedDocuments } from './attached-documents';
import type { CareContext } from './care-context';
import { Referrals } from './referrals';

export class CareService {
  readonly referrals: Referrals;
  readonly appointments: Appointments;
  readonly documents: AttachedDocuments;

  constructor(deps: { record: RecordService; config: ConfigStore; resourcesDir: string }) {
    const context: CareContext = {
      openRecord: () => deps.record.open(),
      actor: () => deps.record.actor(),
      now: () => deps.record.now(),
      country: () => deps.config.effective().country,
      resourcesDir: deps.resourcesDir,
    };
    this.referrals = new Referrals(context);
    this.appointments = new Appointments(context);
    this.documents = new AttachedDocuments(context);
  }
}
