/**
 * The network peers the sync tests run against (../shared/docs/test-peers.md): the national record
 * service (Medplum's FHIR router behind a full-server wrapper), the identity provider
 * (node-oidc-provider) and a fault-injecting proxy. Each starts on 127.0.0.1 on a free port and
 * stops with `stop()`.
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
