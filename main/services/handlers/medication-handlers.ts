/** The handlers of the medication calls (main/contract/features/medication-contract.ts). */
import type { MedicationCallName } from '../../contract/names';
import type { Handlers } from '../contract-server';
import type { EventSink, Services } from '../services';

export function medicationHandlers(services: Services, _emit: EventSink): Pick<Handlers, MedicationCallName> {
  const medication = services.medication;
  return {
    'terminology.searchDrugs': ({ query, limit }) => medication.searchDrugs(query, limit),
    'prescriptions.check': (request) => medication.check(request),
    'prescriptions.saveDraft': (request) => medication.saveDraft(request),
    'prescriptions.discardDraft': async ({ id }) => {
      await medication.discardDraft(id);
      return { id };
    },
    'prescriptions.sign': (request) => medication.sign(request),
    'medications.stop': ({ id, reason }) => medication.stop(id, reason),
    'medications.list': ({ patientId }) => medication.list(patientId),
    'chart.labs': ({ patientId }) => medication.labs(patientId),
    'labs.record': (entry) => medication.recordLabs(entry),
    'chart.immunizations': ({ patientId }) => medication.immunizations(patientId),
    'immunizations.record': (input) => medication.recordImmunization(input),
  };
}
