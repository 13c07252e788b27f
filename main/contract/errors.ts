/**
 * Stable error codes that cross the renderer ↔ main boundary. The renderer turns each code into
 * localised text (renderer/src/i18n/locales/*.json, key `errors.<CODE>`); a test fails if one is missing.
 */
export const errorCodes = [
  'INVALID_ARGUMENT',
  'UNKNOWN_CALL',
  'FORBIDDEN_SENDER',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
  'CONFIG_INVALID',
  'LOCKED_BY_ADMINISTRATOR',
  'ALREADY_CONFIGURED',
  'KEYCHAIN_UNAVAILABLE',
  'KEYCHAIN_WEAK',
  'DISK_FULL',
  'RECORD_KEY_MISMATCH',
  'RECORD_KEY_INVALID',
  'RECORD_MISSING',
  'RECORD_MIGRATION_FAILED',
  'RECORD_NOT_READY',
  'RESOURCE_INVALID',
  'RESOURCE_NOT_FOUND',
  'REFERENCE_UNRESOLVED',
  'IDENTIFIER_INVALID',
  'VERSION_CONFLICT',
  'UPDATE_NOT_PENDING',
  'RELEASE_INVALID',
  'SYNC_UNREACHABLE',
  'SYNC_UNAUTHORIZED',
  'SYNC_SERVER_ERROR',
  'SYNC_REQUEST_REFUSED',
  'SYNC_RESPONSE_INVALID',
  'SYNC_TIMEOUT',
  'SYNC_BUNDLE_TOO_LARGE',
  'SYNC_REFERENCE_UNRESOLVED',
  'SYNC_PATIENT_NOT_FOUND',
  'SYNC_PATIENT_AMBIGUOUS',
  'SYNC_CHANGE_REFUSED',
  'SYNC_DISABLED',
  'CARD_NO_READER',
  'CARD_ABSENT',
  'CARD_REMOVED',
  'CARD_READER_FAILED',
  'CARD_UNSUPPORTED',
  'CARD_ACCESS_DENIED',
  'CARD_PROTOCOL_ERROR',
  'CARD_DATA_TAMPERED',
  'MRZ_INVALID',
  'CAN_INVALID',
  'IMAGING_NOT_DICOM',
  'IMAGING_TRUNCATED',
  'IMAGING_CORRUPT',
  'IMAGING_FILE_UNREADABLE',
  'IMAGING_UID_CONFLICT',
  'IMAGING_CACHE_FULL',
  'IMAGING_CACHE_TAMPERED',
  'IMAGING_CACHE_MISSING',
  'IMAGING_CACHE_KEY_MISMATCH',
  'IMAGING_INSTANCE_NOT_FOUND',
  'IMAGING_STUDY_NOT_FOUND',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** The one shape an error has when it crosses a process or thread boundary. */
export interface ContractErrorShape {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ContractErrorShape };

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}
