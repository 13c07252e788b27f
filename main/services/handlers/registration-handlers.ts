/** The handlers of the registration calls (main/contract/features/registration-contract.ts). */
import type { RegistrationCallName } from '../../contract/names';
import { PatientRegistration } from '../../registration/patient-registration';
import type { Handlers } from '../contract-server';
import type { EventSink, Services } from '../services';

export function registrationHandlers(
  services: Services,
  _emit: EventSink,
): Pick<Handlers, RegistrationCallName> {
  const registration = new PatientRegistration({
    record: services.record,
    config: services.config,
    resourcesDir: services.env.resourcesDir,
  });
  return {
    'patients.register': ({ draft, acknowledgedDuplicates }) =>
      registration.register(draft, acknowledgedDuplicates ?? []),
    'patients.update': (request) => registration.update(request),
    'patients.get': ({ patientId }) => registration.get(patientId),
    'patients.checkDraft': ({ draft }) => registration.check(draft),
    'patients.findDuplicates': ({ draft, patientId }) => registration.findDuplicates(draft, patientId),
    'reference.places': () => registration.places(),
    'reference.coverages': () => registration.coverages(),
  };
}
