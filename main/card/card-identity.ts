/**
 * What reading an identity document yields, for the services, the CLI and (through the contract)
 * the renderer. Built by main/card/ from the chip (DG1, DG2, DG11, DG12, EF.SOD) or, without a
 * chip, from the MRZ alone.
 */
import type { Country } from '../contract/types';
import type { CardTransport } from './card-transport';

/** ICAO 9303-11 §9.2: the access protocol that opened the chip. 'none' = MRZ only, no chip read. */
export type AccessProtocol = 'PACE' | 'BAC' | 'none';

/**
 * ICAO 9303-11 §5.1 passive authentication:
 * - 'verified': EF.SOD's signature checks against a document signer chaining to a configured CSCA,
 *   and every data group read hashes to its value in EF.SOD;
 * - 'not-verifiable': the signature is sound but no configured CSCA issued the signer (or no
 *   trust list is configured, or the data came from the MRZ only);
 * - 'failed': a bad signature, a signer certificate that does not chain, or a data group whose
 *   hash differs (CARD_DATA_TAMPERED).
 */
export type PassiveAuthenticationStatus = 'verified' | 'not-verifiable' | 'failed';

export type DocumentKind = 'id-card' | 'passport' | 'other';

export interface CardIdentity {
  kind: DocumentKind;
  /** ICAO 9303 document code as printed in the MRZ, e.g. 'ID', 'I<', 'P<'. */
  documentCode: string;
  /** Issuing state, ICAO 3-letter code (MAR, DZA, TUN, …). */
  issuingState: string;
  /** The document's own number: it changes when the card is renewed; never the national ID. */
  documentNumber: string;
  /** The person's national identifier, where the country profile says it is found. */
  nationalId: { country: Country; value: string } | null;
  /** Names in Latin script (MRZ, or DG11 full name when the MRZ truncated them). */
  familyName: string;
  givenNames: string;
  /** Names in Arabic script, where DG11 (or the country's own data group) carries them. */
  familyNameArabic: string | null;
  givenNamesArabic: string | null;
  /** YYYY-MM-DD; YYYY-MM or YYYY where the document gives only part of it. */
  birthDate: string | null;
  sex: 'male' | 'female' | 'unknown';
  nationality: string;
  /** YYYY-MM-DD. */
  expiryDate: string | null;
  placeOfBirth: string | null;
  address: string | null;
  /** The face image (DG2) decoded for display; JPEG 2000 is converted to PNG. */
  photo: { mediaType: 'image/jpeg' | 'image/png'; base64: string } | null;
}

export interface DataGroupReport {
  /** 'EF.COM', 'DG1', 'DG2', 'DG11', 'DG12', 'EF.SOD', 'EF.CardAccess'. */
  name: string;
  bytes: number;
  /** Its hash matches EF.SOD (null for files EF.SOD does not cover). */
  hashValid: boolean | null;
}

export interface CardReadReport {
  identity: CardIdentity;
  accessProtocol: AccessProtocol;
  /** For PACE: e.g. 'id-PACE-ECDH-GM-AES-CBC-CMAC-128 on brainpoolP256r1'; for BAC: '3DES'. */
  cipherSuite: string | null;
  dataGroups: DataGroupReport[];
  passiveAuthentication: {
    status: PassiveAuthenticationStatus;
    /** Why, in English for administrators (the UI shows the localised status). */
    detail: string;
    /** Subject of the document signer certificate, and of the CSCA that issued it, where known. */
    documentSigner: string | null;
    csca: string | null;
  };
  /** Command APDUs sent, for the CLI and the benchmark. */
  apduCount: number;
  durationMs: number;
}

/** Progress of a read, for the UI's progress bar. */
export interface CardReadProgress {
  step: 'connecting' | 'access' | 'reading' | 'verifying' | 'done';
  /** The file being read, during 'reading'. */
  file?: string;
  /** Bytes read so far of the files planned. */
  done: number;
  total: number | null;
}

/** How the chip is opened: the MRZ (2 or 3 lines, typed or scanned) or the CAN printed on the card. */
export type CardAccessKey = { mrz: string[] } | { can: string };

export interface ReadIdentityDocumentOptions {
  /** Folder of the CSCA certificates passive authentication trusts. */
  trustDir: string;
  onProgress?: (progress: CardReadProgress) => void;
}

/** main/card/read-document.ts's readIdentityDocument, as the services and the CLI take it (tests inject fakes). */
export type ReadIdentityDocument = (
  transport: CardTransport,
  access: CardAccessKey,
  options: ReadIdentityDocumentOptions,
) => Promise<CardReadReport>;
