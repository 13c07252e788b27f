/** The handlers of the imaging calls (main/contract/features/imaging-contract.ts), over main/imaging/. */
import type { EventPayload } from '../../contract/contract';
import type { ImagingCallName } from '../../contract/names';
import type { Handlers } from '../contract-server';
import type { EventSink, Services } from '../services';

export function imagingHandlers(services: Services, emit: EventSink): Pick<Handlers, ImagingCallName> {
  const { imaging } = services;
  const progress = (payload: EventPayload<'imaging.importProgress'>) =>
    emit('imaging.importProgress', payload);
  return {
    'imaging.studies': ({ patientId }) => imaging.studies(patientId),
    'imaging.study': ({ studyInstanceUid }) => imaging.study(studyInstanceUid),
    'imaging.instance': ({ sopInstanceUid }) => imaging.instance(sopInstanceUid),
    'imaging.import': ({ paths }) => imaging.importPaths(paths, progress),
    'imaging.importFiles': ({ files }) => imaging.importFiles(files, progress),
    'imaging.matchPatient': ({ studyInstanceUid }) => imaging.matchPatient(studyInstanceUid),
    'imaging.confirmPatient': ({ studyInstanceUid, patientId }) =>
      imaging.confirmPatient(studyInstanceUid, patientId),
    'imaging.pacsStatus': () => imaging.pacsStatus(),
    'imaging.pacsSearch': ({ limit, ...criteria }) => imaging.pacsSearch({ ...criteria, limit }),
    'imaging.pacsRetrieve': ({ studyInstanceUid }) => imaging.pacsRetrieve(studyInstanceUid, progress),
    'imaging.pacsStore': ({ studyInstanceUid }) => imaging.pacsStore(studyInstanceUid),
    'imaging.measurements': ({ studyInstanceUid }) => imaging.measurements(studyInstanceUid),
    'imaging.saveMeasurements': ({ studyInstanceUid, measurements }) =>
      imaging.saveMeasurements(studyInstanceUid, measurements),
    'imaging.saveReport': (request) => imaging.saveReport(request),
  };
}
