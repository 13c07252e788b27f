/**
 * How an e2e test drives the simulated card reader (test/card/harness-card.ts) that the harness
 * binds into the services worker: the control file the test writes, and what the reader writes
 * back about the document in it. Kept apart from the reader itself, which loads the chip
 * simulator and the fixtures' PKI, so that the harness and global setup stay light.
 */
import { resolve } from 'node:path';

export const HARNESS_READER = 'Tabib Simulated Reader 00 00';

/** The reader's source, and where test/e2e/global-setup.ts builds it for the services worker. */
export const HARNESS_CARD_SOURCE = resolve(import.meta.dirname, 'harness-card.ts');
export const HARNESS_CARD_MODULE = resolve(
  import.meta.dirname,
  '..',
  '..',
  'out',
  'test',
  'harness-card.cjs',
);

/** The test documents of test/card/fixtures/documents.ts. */
export type HarnessDocumentProfile = 'MA-CNIE' | 'DZ-CNIBE' | 'TN-PASSPORT';

/** A card as the e2e test describes it. */
export interface HarnessCard {
  /** The test document the chip is personalised as. */
  profile: HarnessDocumentProfile;
  /** A data group changed after EF.SOD was signed: passive authentication fails. */
  tamperedDataGroup?: 'DG1' | 'DG2' | 'DG11' | null;
  /** Each command takes this long, so a test can watch the progress or pull the card mid-read. */
  apduDelayMs?: number;
}

/** The control file: the card in the reader, or null for an empty reader. */
export interface HarnessCardControl {
  card: HarnessCard | null;
}

/**
 * What the reader writes next to the control file (`<control>.document.json`) once it has
 * personalised the card put in: what is printed on the document, for the test to type or scan.
 */
export interface HarnessDocumentFacts {
  card: HarnessCard;
  mrz: string[];
  can: string;
  person: {
    documentNumber: string;
    nationalId: string;
    familyName: string;
    givenNames: string;
    familyNameArabic: string;
    givenNamesArabic: string;
    birthDate: string;
    sex: 'male' | 'female';
  };
}

export const documentFactsFile = (controlFile: string): string => `${controlFile}.document.json`;
