/**
 * ICAO 9303-11 access to eMRTD chips (passports, national ID cards) over a CardTransport:
 * BAC, PACE-GM-ECDH, secure messaging, reading the LDS files. Pure TypeScript, no Electron.
 */
export { openSecureSession, EMRTD_AID, EMRTD_FILES, toFileRef } from './session';
export type { SecureSession, SecureSessionOptions } from './session';
export type { AccessPassword, MrzPassword, CanPassword } from './mrz-password';
export { mrzInformation } from './mrz-password';
export type { FileRef, FileReadProgress } from './file-reader';
export { isFileNotFound, describeSw, swHex } from './apdu';
export { parseCardAccess } from './card-access';
export type { CardAccess, PaceInfo, PaceAlgorithm } from './card-access';
