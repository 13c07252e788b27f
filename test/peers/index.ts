/**
 * The network peers the sync tests run against (../shared/docs/test-peers.md): the national record
 * service (Medplum's FHIR router behind a full-server wrapper), the identity provider
 * (node-oidc-provider) and a fault-injecting proxy; and the imaging tests': the PACS (Orthanc with
 * its DICOMweb plugin) and a TCP proxy that cuts connections. Each starts on 127.0.0.1 on a free
 * port and stops with `stop()`.
 */
export {
  DEFAULT_RESOURCE_TYPES,
  type FhirPeer,
  type FhirPeerOptions,
  type PeerRequest,
  startFhirPeer,
} from './fhir/fhir-peer';
export type { ChangeLogEntry } from './fhir/change-log-repository';
export {
  type AccessTokenClaims,
  type OidcPeer,
  type OidcPeerOptions,
  SMART_SYSTEM_SCOPES,
  signClientAssertion,
  startOidcPeer,
} from './oidc/oidc-peer';
export {
  type Fault,
  type FaultKind,
  type FaultProxy,
  type FaultRule,
  type ProxyLogEntry,
  type RandomSchedule,
  startFaultProxy,
} from './fault-proxy/fault-proxy';
export {
  type OrthancPeer,
  type OrthancPeerOptions,
  type OrthancUpload,
  startOrthancPeer,
} from './orthanc/orthanc-peer';
export { type CutProxy, type CutProxyLogEntry, type PlannedCut, startCutProxy } from './cut-proxy/cut-proxy';
