/**
 * A card reader for the e2e harness (test/e2e/harness.ts): one reader holding the chip simulator
 * (test/card/simulator/) personalised as a test document (test/card/fixtures/), which the test
 * puts in and takes out by writing a control file (test/card/harness-card-control.ts). The
 * services run in a worker thread, so the test cannot hand them an object: the environment names
 * this module (built to out/test/harness-card.cjs by test/e2e/global-setup.ts) and the control
 * file (ServiceEnvironment.cardSimulator), and the worker calls createCardDevices.
 *
 * The services read the simulated chip as they read a real one (main/card/read-document.ts:
 * PACE or BAC, secure messaging, the data groups, passive authentication), against the test CSCA
 * this reader puts in its own trust folder.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CardDevices } from '../../main/card/card-service';
import type { CardReaders, CardTransport, ReaderEvent, ReaderInfo } from '../../main/card/card-transport';
import { personaliseDocument, type TestDocument } from './fixtures';
import {
  documentFactsFile,
  HARNESS_READER,
  type HarnessCard,
  type HarnessCardControl,
  type HarnessDocumentFacts,
} from './harness-card-control';
import { ChipSimulator } from './simulator/chip-simulator';

/** Errors as main/errors.ts shapes them (this module is bundled apart; the card service keeps the code). */
function cardError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

const POLL_MS = 50;
const ATR = new Uint8Array([0x3b, 0x88, 0x80, 0x01]);
const DATA_GROUP_FILES = { DG1: 0x0101, DG2: 0x0102, DG11: 0x010b } as const;

/** ICAO 9303-11 §9.5.1: PACE-GM on brainpoolP256r1 (standardized domain parameters 13), AES-128. */
const PACE = { parameterId: 13, cipher: 'AES-128' } as const;

/** One byte changed near the end of the data group (inside its content, not its TLV header). */
function tampered(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes);
  const index = copy.length - 2;
  copy[index] = (copy[index] as number) ^ 0x01;
  return copy;
}

class HarnessCardReaders implements CardReaders {
  private readonly listeners = new Set<(event: ReaderEvent) => void>();
  private timer: NodeJS.Timeout | null = null;
  private seen: string;
  private personalised: { key: string; document: Promise<TestDocument> } | null = null;
  readonly trustDir: string;

  constructor(private readonly controlFile: string) {
    this.seen = this.text();
    this.trustDir = join(dirname(controlFile), 'csca');
    mkdirSync(this.trustDir, { recursive: true });
    // A card already in the reader is personalised now, as one put in later is on insertion.
    const card = this.card();
    if (card) void this.document(card).catch(() => undefined);
  }

  private text(): string {
    if (!existsSync(this.controlFile)) return JSON.stringify({ card: null });
    return readFileSync(this.controlFile, 'utf8');
  }

  card(): HarnessCard | null {
    try {
      return (JSON.parse(this.text()) as HarnessCardControl).card;
    } catch {
      return null;
    }
  }

  /** The document for the card in the reader, personalised once per card; its CSCA is trusted. */
  document(card: HarnessCard): Promise<TestDocument> {
    const key = JSON.stringify(card);
    if (this.personalised?.key !== key) {
      const document = personaliseDocument(card.profile).then((personalised) => {
        writeFileSync(join(this.trustDir, 'test-csca.pem'), personalised.cscaPem);
        const { person } = personalised;
        const facts: HarnessDocumentFacts = {
          card,
          mrz: personalised.mrz,
          can: personalised.can,
          person: {
            documentNumber: person.documentNumber,
            nationalId: person.nationalId,
            familyName: person.familyName,
            givenNames: person.givenNames,
            familyNameArabic: person.familyNameArabic,
            givenNamesArabic: person.givenNamesArabic,
            birthDate: person.birthDate,
            sex: person.sex,
          },
        };
        writeFileSync(`${documentFactsFile(this.controlFile)}.next`, JSON.stringify(facts));
        renameSync(`${documentFactsFile(this.controlFile)}.next`, documentFactsFile(this.controlFile));
        const id = card.tamperedDataGroup ? DATA_GROUP_FILES[card.tamperedDataGroup] : null;
        const original = id === null ? undefined : personalised.files.get(id);
        if (id !== null && original) personalised.files.set(id, tampered(original));
        return personalised;
      });
      this.personalised = { key, document };
    }
    return this.personalised.document;
  }

  list(): Promise<ReaderInfo[]> {
    return Promise.resolve([{ name: HARNESS_READER, cardPresent: this.card() !== null }]);
  }

  async connect(reader?: string): Promise<CardTransport> {
    if (reader !== undefined && reader !== HARNESS_READER)
      throw cardError('CARD_NO_READER', `No reader named ${reader}`);
    const card = this.card();
    if (!card) throw cardError('CARD_ABSENT', `No card in ${HARNESS_READER}`);
    const document = await this.document(card);
    const mrzKey = {
      documentNumber: document.person.documentNumber,
      birthDate: document.person.birthDate.slice(2).replaceAll('-', ''),
      expiryDate: document.person.expiryDate.slice(2).replaceAll('-', ''),
    };
    const chip = new ChipSimulator({
      reader: HARNESS_READER,
      files: document.files,
      mrz: mrzKey,
      can: document.can,
      pace: PACE,
      // Taken out of the reader: the chip stops answering (CARD_REMOVED), as a real one does.
      fault: () => (this.card() === null ? 'remove' : undefined),
    });
    const delay = card.apduDelayMs ?? 0;
    return {
      reader: chip.reader,
      atr: chip.atr,
      extendedLength: chip.extendedLength,
      transmit: async (command) => {
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        return chip.transmit(command);
      },
      close: () => chip.close(),
    };
  }

  watch(listener: (event: ReaderEvent) => void): () => void {
    this.listeners.add(listener);
    this.timer ??= setInterval(() => this.poll(), POLL_MS);
    this.timer.unref();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  private poll(): void {
    const text = this.text();
    if (text === this.seen) return;
    let before: HarnessCard | null;
    try {
      before = (JSON.parse(this.seen) as HarnessCardControl).card;
      JSON.parse(text);
    } catch {
      return;
    }
    this.seen = text;
    const after = this.card();
    const emit = (event: ReaderEvent) => {
      for (const listener of this.listeners) listener(event);
    };
    if (before) emit({ type: 'card-removed', reader: HARNESS_READER });
    if (after) {
      void this.document(after).catch(() => undefined);
      emit({ type: 'card-inserted', reader: HARNESS_READER, atr: ATR });
    }
  }

  close(): Promise<void> {
    this.listeners.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return Promise.resolve();
  }
}

/** The simulated reader; the services read its chip with main/card/read-document.ts, trusting its test CSCA. */
export function createCardDevices(controlFile: string): Pick<CardDevices, 'readers' | 'trustDir'> {
  const readers = new HarnessCardReaders(controlFile);
  return { readers, trustDir: readers.trustDir };
}
