/**
 * `npm run bench:card [-- --runs N]`: a full BAC read of DG1 and a 15 kB DG2 from the chip
 * simulator (test/card/simulator/), through the same protocol code that reads a card in a PC/SC
 * reader: the time, and the APDUs against the fewest the card's maximum response allows.
 * Then the whole document as the card service reads it (EF.COM, DG1, DG2, EF.SOD, identity,
 * passive authentication).
 *
 * The time includes the simulator's own half of the work (its side of BAC and secure messaging),
 * in the same thread: an upper bound of Tabib's cost. A real contactless read adds the chip's and
 * the radio link's time per APDU (tens of milliseconds), which is why the APDU count matters most.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readIdentityDocument } from '../../main/card/read-document';
import { openSecureSession } from '../../main/card/protocol';
import { maxProtectedPlaintext } from '../../main/card/protocol/secure-messaging';
import { FILE_IDS, moroccanCnie } from '../card/fixtures';
import { ChipSimulator } from '../card/simulator/chip-simulator';
import { describeMachine, machineLoad, percentile } from './machine';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' } } });
const RUNS = Number(values.runs);
const MAX_RESPONSE = 256;

const document = await moroccanCnie({ face: 'jpeg-15k', without: ['DG11', 'DG12'] });
const dg1 = document.files.get(FILE_IDS.DG1) as Uint8Array;
const dg2 = document.files.get(FILE_IDS.DG2) as Uint8Array;
const trustDir = mkdtempSync(join(tmpdir(), 'tabib-bench-csca-'));
writeFileSync(join(trustDir, 'csca.pem'), document.cscaPem);

const newChip = () =>
  new ChipSimulator({
    mrz: document.mrzAccess,
    files: document.files,
    pace: null,
    maxResponseLength: MAX_RESPONSE,
  });

// BAC access: EF.CardAccess asked (absent on a BAC-only chip), SELECT application, GET CHALLENGE,
// EXTERNAL AUTHENTICATE. Each file by short file identifier: ceil(size / chunk) READ BINARY.
const chunk = maxProtectedPlaintext('3DES', MAX_RESPONSE);
const fewest = (size: number) => Math.ceil(size / chunk);
const ACCESS_APDUS = 4;

async function readDg1AndDg2(): Promise<{ ms: number; apdus: number; access: number }> {
  const chip = newChip();
  const start = performance.now();
  const session = await openSecureSession(chip, document.mrzAccess, { maxResponseLength: MAX_RESPONSE });
  const access = session.apduCount;
  const read1 = await session.readFile(0x01);
  const read2 = await session.readFile(0x02);
  const ms = performance.now() - start;
  if (read1.length !== dg1.length || read2.length !== dg2.length) throw new Error('short read');
  return { ms, apdus: chip.apduCount, access };
}

async function readWhole(): Promise<{ ms: number; apdus: number }> {
  const chip = newChip();
  const start = performance.now();
  const report = await readIdentityDocument(chip, { mrz: document.mrz }, { trustDir });
  const ms = performance.now() - start;
  if (report.passiveAuthentication.status !== 'verified') throw new Error('not verified');
  return { ms, apdus: chip.apduCount };
}

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(2)} ms, p95 ${percentile(sorted, 95).toFixed(2)} ms`;
};

try {
  // Warm-up: module loading, JIT.
  for (let index = 0; index < 10; index++) {
    await readDg1AndDg2();
    await readWhole();
  }
  const bac: { ms: number; apdus: number; access: number }[] = [];
  const whole: { ms: number; apdus: number }[] = [];
  for (let index = 0; index < RUNS; index++) {
    bac.push(await readDg1AndDg2());
    whole.push(await readWhole());
  }
  const first = bac[0] as { apdus: number; access: number };
  const minimum = ACCESS_APDUS + fewest(dg1.length) + fewest(dg2.length);
  const wholeMinimum =
    ACCESS_APDUS +
    [FILE_IDS['EF.COM'], FILE_IDS.DG1, FILE_IDS.DG2, FILE_IDS['EF.SOD']]
      .map((fid) => fewest((document.files.get(fid) as Uint8Array).length))
      .reduce((sum, count) => sum + count, 0);

  console.log(describeMachine());
  console.log(
    `runs: ${RUNS}; card maximum response ${MAX_RESPONSE} bytes → ${chunk} bytes of data per protected READ BINARY (3DES)\n`,
  );
  console.log('| read | time | APDUs | fewest possible |');
  console.log('|---|---|---|---|');
  console.log(
    `| BAC + DG1 (${dg1.length} B) + DG2 (${dg2.length} B) | ${stats(bac.map((run) => run.ms))} | ${first.apdus} (access ${first.access}) | ${minimum} |`,
  );
  console.log(
    `| whole document: EF.COM, DG1, DG2, EF.SOD, identity, passive authentication | ${stats(whole.map((run) => run.ms))} | ${(whole[0] as { apdus: number }).apdus} | ${wholeMinimum} |`,
  );
  console.log(`\nat the end, ${machineLoad()}`);
  if (first.apdus > minimum) {
    console.error(`\n${first.apdus - minimum} APDU(s) more than the card's maximum response requires`);
    process.exitCode = 1;
  }
} finally {
  rmSync(trustDir, { recursive: true, force: true });
}
