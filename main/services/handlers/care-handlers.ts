/** The handlers of the care calls (main/contract/features/care-contract.ts), over main/care/. */
import type { CareCallName } from '../../contract/names';
import type { Handlers } from '../contract-server';
import type { EventSink, Services } from '../services';

export function careHandlers(services: Services, _emit: EventSink): Pick<Handlers, CareCallName> {
  const { referrals, appointments, documents } = services.care;
  return {
    'referrals.specialties': () => referrals.directory().specialties,
    'referrals.facilities': () => {
      const { source, facilities } = referrals.directory().facilities(services.config.effective().country);
      return { source, facilities };
    },
    'referrals.create': (input) => referrals.create(input),
    'referrals.update': (change) => referrals.update(change),
    'referrals.list': ({ patientId }) => referrals.list(patientId),
    'appointments.practitioners': () => appointments.practitioners(),
    'appointments.book': (input) => appointments.book(input),
    'appointments.reschedule': (input) => appointments.reschedule(input),
    'appointments.cancel': (input) => appointments.cancel(input),
    'appointments.list': ({ patientId }) => appointments.list(patientId),
    'appointments.calendar': ({ practitionerId, from, to }) =>
      appointments.calendar(practitionerId, from, to),
    'documents.attach': (input) => documents.attach(input),
    'documents.list': ({ patientId }) => documents.list(patientId),
    'documents.read': ({ id }) => documents.read(id),
  };
}
