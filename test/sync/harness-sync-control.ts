/**
 * How an e2e test drives the simulated national service (test/sync/harness-sync.ts) that the
 * harness binds into the services worker in place of pull.ts and push.ts: a control file the test
 * writes. Kept apart from the simulation so that the harness and global setup stay light.
 */
import { resolve } from 'node:path';
import type { Patient, Resource } from '@medplum/fhirtypes';

/** The simulation's source, and where test/e2e/global-setup.ts builds it for the services worker. */
export const HARNESS_SYNC_SOURCE = resolve(import.meta.dirname, 'harness-sync.ts');
export const HARNESS_SYNC_MODULE = resolve(
  import.meta.dirname,
  '..',
  '..',
  'out',
  'test',
  'harness-sync.cjs',
);

export interface HarnessSyncControl {
  /** What the next runs meet: a reachable service, no network, or a server error. */
  service: 'ok' | 'unreachable' | 'serverError';
  /** The push waits (reporting its progress) until a later control file says false. */
  holdPush?: boolean;
  /** How many resources the pull applies. */
  pulled?: number;
  /**
   * The national record an on-demand fetch meets (patients.fetchNational): `Patient?identifier=`
   * finds these patients by identifier (any other is not found), `$everything` returns each one's
   * `record` (references to the patient or within the record only), `pageSize` resources a page.
   * Reachability and server errors follow `service`.
   */
  national?: { patient: Patient; record: Resource[] }[];
  /** Resources per `$everything` page (default 2, so that progress shows). */
  pageSize?: number;
  /** The `$everything` pages after the first wait until a later control file says false. */
  holdFetch?: boolean;
}

export const defaultHarnessSyncControl: HarnessSyncControl = { service: 'ok' };
