/**
 * The contract's names alone, without schemas, for the preload (which must stay small and
 * dependency-free). contract.ts is typed against these lists, so a call or event declared in one
 * and not the other fails to compile.
 */
export const coreCallNames = [
  'app.info',
  'app.health',
  'config.get',
  'settings.setLanguage',
  'setup.enrol',
  'setup.startDemo',
  'record.status',
  'patients.search',
  'patients.openChart',
  'patients.fetchNational',
  'update.status',
  'update.respondToInstall',
  'card.readers',
  'card.checkAccess',
  'card.read',
  'card.readMrz',
  'sync.status',
  'sync.runNow',
  'sync.reconnected',
  'sync.conflicts',
  'sync.resolveConflict',
] as const;

/** auth calls (issue 5): main/contract/features/auth-contract.ts. */
export const authCallNames = [
  'auth.status',
  'auth.createAdministrator',
  'auth.signIn',
  'auth.signOut',
  'auth.lock',
  'auth.unlock',
  'auth.activity',
  'auth.changePassword',
  'users.list',
  'users.create',
  'users.update',
  'users.resetPassword',
  'users.setIdleLock',
  'audit.breakGlass',
] as const;
export type AuthCallName = (typeof authCallNames)[number];

/** registration calls (issue 5): main/contract/features/registration-contract.ts. */
export const registrationCallNames = [
  'patients.register',
  'patients.update',
  'patients.get',
  'patients.checkDraft',
  'patients.findDuplicates',
  'reference.places',
  'reference.coverages',
] as const;
export type RegistrationCallName = (typeof registrationCallNames)[number];

/** chart calls (issue 5): main/contract/features/chart-contract.ts. */
export const chartCallNames = [
  'chart.summary',
  'chart.timeline',
  'chart.startVisit',
  'chart.saveVisit',
  'chart.visit',
  'chart.recordVitals',
  'chart.vitalsSeries',
  'chart.problems',
  'chart.saveProblem',
  'chart.allergies',
  'chart.saveAllergy',
  'terminology.searchIcd10',
  'terminology.searchAllergens',
] as const;
export type ChartCallName = (typeof chartCallNames)[number];

/** medication calls (issue 5): main/contract/features/medication-contract.ts. */
export const medicationCallNames = [
  'terminology.searchDrugs',
  'prescriptions.check',
  'prescriptions.saveDraft',
  'prescriptions.discardDraft',
  'prescriptions.sign',
  'medications.stop',
  'medications.list',
  'chart.labs',
  'labs.record',
  'chart.immunizations',
  'immunizations.record',
] as const;
export type MedicationCallName = (typeof medicationCallNames)[number];

/** care calls (issue 5): main/contract/features/care-contract.ts. */
export const careCallNames = [
  'referrals.specialties',
  'referrals.facilities',
  'referrals.create',
  'referrals.update',
  'referrals.list',
  'appointments.practitioners',
  'appointments.book',
  'appointments.reschedule',
  'appointments.cancel',
  'appointments.list',
  'appointments.calendar',
  'documents.attach',
  'documents.list',
  'documents.read',
] as const;
export type CareCallName = (typeof careCallNames)[number];

/** print calls (issue 5): main/contract/features/print-contract.ts. */
export const printCallNames = ['print.document'] as const;
export type PrintCallName = (typeof printCallNames)[number];

/** imaging calls (issue 7): main/contract/features/imaging-contract.ts. */
export const imagingCallNames = [
  'imaging.studies',
  'imaging.study',
  'imaging.instance',
  'imaging.import',
  'imaging.importFiles',
  'imaging.matchPatient',
  'imaging.confirmPatient',
  'imaging.pacsStatus',
  'imaging.pacsSearch',
  'imaging.pacsRetrieve',
  'imaging.pacsStore',
  'imaging.measurements',
  'imaging.saveMeasurements',
  'imaging.saveReport',
] as const;
export type ImagingCallName = (typeof imagingCallNames)[number];

export const callNames = [
  ...coreCallNames,
  ...authCallNames,
  ...registrationCallNames,
  ...chartCallNames,
  ...medicationCallNames,
  ...careCallNames,
  ...printCallNames,
  ...imagingCallNames,
] as const;
export type RendererCallName = (typeof callNames)[number];

/**
 * Calls for administrators: the `tabib` CLI reaches them through the same services, but they are
 * never registered on IPC nor exposed to the renderer (rotating the record's key, reading the
 * audit trail, seeding synthetic data, verifying a published release). The `update.*` ones here
 * are made by Electron main's update driver (main/update/update-driver.ts) as it steps
 * electron-updater through a signed update: a renderer must never report a download verified.
 */
export const adminCallNames = [
  'record.rekey',
  'record.auditTrail',
  'demo.seed',
  'release.verify',
  'update.check',
  'update.verifyFeed',
  'update.reportProgress',
  'update.reportFailure',
  'update.verifyDownload',
  'update.offerInstall',
  'sync.runOnce',
] as const;
export type AdminCallName = (typeof adminCallNames)[number];

export type CallName = RendererCallName | AdminCallName;

export const eventNames = [
  'config.changed',
  'record.seedProgress',
  'sync.progress',
  'sync.status',
  'patients.fetchProgress',
  'card.inserted',
  'card.removed',
  'card.progress',
  'card.mrzScanned',
  'update.changed',
  'auth.changed',
  'imaging.importProgress',
] as const;
export type EventName = (typeof eventNames)[number];

export function isCallName(name: unknown): name is CallName {
  return (
    typeof name === 'string' &&
    ((callNames as readonly string[]).includes(name) || (adminCallNames as readonly string[]).includes(name))
  );
}

/** Channel names on Electron IPC. One prefix, so the sender check and logs can recognise them. */
export const callChannel = (name: RendererCallName): string => `tabib:call:${name}`;
export const eventChannel = (name: EventName): string => `tabib:event:${name}`;
