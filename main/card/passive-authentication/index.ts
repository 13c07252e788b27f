/** Passive authentication: EF.SOD's signature, the chain to a configured CSCA, the data group hashes. */
export {
  passiveAuthentication,
  type PassiveAuthenticationInput,
  type PassiveAuthenticationResult,
  type PassiveAuthenticationReason,
  type DataGroupHashCheck,
} from './verify';
export {
  loadTrustList,
  trustAnchorsFrom,
  certificatesFromFile,
  certificatesFromMasterList,
  CSCA_MASTER_LIST_OID,
  type TrustAnchor,
  type TrustList,
} from './trust-store';
export { verifySignature, type SignatureOutcome, type HashName } from './signature';
export { nameToString } from './certificates';
