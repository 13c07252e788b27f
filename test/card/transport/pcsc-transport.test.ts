/**
 * The PC/SC transport against a real pcscd with vsmartcard's virtual reader and `vicc -t iso7816`
 * (test/peers/pcsc/), in their own network and mount namespaces.
 *
 * vicc's iso7816 card (Debian's 3.3 build) has an empty MF, answers SELECT only with P2=0C (no FCP:
 * returning one crashes it), GET CHALLENGE with 8 random bytes, and crashes on a case-3 UPDATE
 * BINARY — so files are written with a (meaningless) Le, and it then answers 6282.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReaderEvent } from '../../../main/card/card-transport';
import { TabibError } from '../../../main/errors';
import { PcscCardReaders } from '../../../native/card/pcsc-transport';
import { type PcscPeer, startPcscPeer, VIRTUAL_READER } from '../../peers/pcsc/pcsc-peer';

const VICC_ATR = '3b951381018073ff01000b';
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const apdu = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s/g, ''), 'hex'));

async function rejection(promise: Promise<unknown>): Promise<TabibError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TabibError);
    return error as TabibError;
  }
  throw new Error('expected a rejection');
}

let peer: PcscPeer;
const readers: PcscCardReaders[] = [];
function pcsc(options: ConstructorParameters<typeof PcscCardReaders>[0] = {}) {
  const made = new PcscCardReaders(options);
  readers.push(made);
  return made;
}

beforeAll(async () => {
  peer = await startPcscPeer();
  // libpcsclite reads it once, at the first context of this process.
  process.env.PCSCLITE_CSOCK_NAME = peer.socketPath;
}, 60_000);

afterAll(async () => {
  for (const made of readers) await made.close();
  await peer?.stop();
});

describe('PC/SC transport over pcscd + vpcd + vicc', () => {
  it('lists the virtual reader, empty, and refuses to connect without a card', async () => {
    const list = await pcsc().list();
    expect(list).toContainEqual({ name: VIRTUAL_READER, cardPresent: false });
    expect((await rejection(pcsc().connect())).code).toBe('CARD_ABSENT');
    expect((await rejection(pcsc().connect(VIRTUAL_READER))).code).toBe('CARD_ABSENT');
    const unknown = await rejection(pcsc().connect('No Such Reader 00 00'));
    expect(unknown.code).toBe('CARD_NO_READER');
    expect(unknown.details).toMatchObject({
      reader: 'No Such Reader 00 00',
      readers: expect.arrayContaining([VIRTUAL_READER]),
    });
  });

  it('reports the reader, then the card inserted (vicc started after watching), with its ATR', async () => {
    const events: ReaderEvent[] = [];
    const unwatch = pcsc().watch((event) => events.push(event));
    await vi.waitFor(() => expect(events).toContainEqual({ type: 'reader-added', reader: VIRTUAL_READER }), {
      timeout: 10_000,
    });
    expect(events.some((event) => event.type === 'card-inserted')).toBe(false);
    await peer.insertCard();
    await vi.waitFor(() => expect(events.find((event) => event.type === 'card-inserted')).toBeDefined(), {
      timeout: 10_000,
    });
    const inserted = events.find((event) => event.type === 'card-inserted');
    expect(inserted).toMatchObject({ reader: VIRTUAL_READER });
    expect(hex((inserted as { atr: Uint8Array }).atr)).toBe(VICC_ATR);
    unwatch();
    const listed = await pcsc().listWithAtr();
    const virtual = listed.find((reader) => reader.name === VIRTUAL_READER)!;
    expect(virtual.cardPresent).toBe(true);
    expect(hex(virtual.atr!)).toBe(VICC_ATR);
  });

  it('exchanges APDUs over T=1 and resolves 61xx with GET RESPONSE', async () => {
    const transport = await pcsc().connectPcsc();
    expect(transport.reader).toBe(VIRTUAL_READER);
    expect(hex(transport.atr)).toBe(VICC_ATR);
    expect(transport.protocol).toBe('T=1');

    const selectMf = await transport.transmit(apdu('00 A4 00 0C 02 3F00'));
    expect(selectMf).toEqual({ data: new Uint8Array(0), sw: 0x9000 });
    const first = await transport.transmit(apdu('00 84 00 00 08'));
    const second = await transport.transmit(apdu('00 84 00 00 08'));
    expect(first.sw).toBe(0x9000);
    expect(first.data).toHaveLength(8);
    expect(hex(first.data)).not.toBe(hex(second.data));
    expect((await transport.transmit(apdu('00 FE 00 00'))).sw).toBe(0x6d00); // INS not supported

    // The card has 8 bytes for Le=4: it says 6104; the transport fetches the rest.
    const before = transport.exchanges;
    const challenge = await transport.transmit(apdu('00 84 00 00 04'));
    expect(challenge.sw).toBe(0x9000);
    expect(challenge.data).toHaveLength(8);
    expect(transport.exchanges - before).toBe(2);
    await transport.close();
    await transport.close(); // idempotent

    const raw = await pcsc({ getResponse: false }).connectPcsc(VIRTUAL_READER);
    const partial = await raw.transmit(apdu('00 84 00 00 04'));
    expect(partial.sw).toBe(0x6104);
    expect(partial.data).toHaveLength(4);
    await raw.close();
  });

  it('says extended length only where the card does, and carries extended responses when forced', async () => {
    // vicc's ATR carries card capabilities without "extended Lc/Le"; vpcd answers no part 10 request.
    const auto = await pcsc({ extendedLengthWhenUnknown: true }).connectPcsc();
    expect(auto.extendedLengthBasis).toEqual({ readerMaxApduDataSize: null, cardSays: false });
    expect(auto.extendedLength).toBe(false);
    await auto.close();

    const forced = await pcsc({ extendedLength: true }).connectPcsc();
    expect(forced.extendedLength).toBe(true);
    // A 1024-byte transparent EF 0101 (CREATE FILE with an FCP), filled 200 bytes at a time.
    const fcp = '62 0E 8002 0400 820101 83020101 8A0105';
    expect((await forced.transmit(apdu(`00 E0 00 00 10 ${fcp}`))).sw).toBe(0x9000);
    expect((await forced.transmit(apdu('00 A4 02 0C 02 0101'))).sw).toBe(0x9000);
    const content = new Uint8Array(1024).map((_, i) => (i * 7) & 0xff);
    for (let offset = 0; offset < 1024; offset += 200) {
      const chunk = content.subarray(offset, Math.min(offset + 200, 1024));
      const command = new Uint8Array([0x00, 0xd6, offset >> 8, offset & 0xff, chunk.length, ...chunk, 0x01]);
      expect((await forced.transmit(command)).sw).toBe(0x6282);
    }
    const short = await forced.transmit(apdu('00 B0 0000 00'));
    expect(short.sw).toBe(0x9000);
    expect(hex(short.data)).toBe(hex(content.subarray(0, 256)));
    // Extended Le = 0000 (65536): the whole file in one response; 6282 = end of file before Le.
    const before = forced.exchanges;
    const extended = await forced.transmit(apdu('00 B0 0000 00 0000'));
    expect(forced.exchanges - before).toBe(1);
    expect(extended.sw).toBe(0x6282);
    expect(hex(extended.data)).toBe(hex(content));
    await forced.close();
  });

  it('reports the card removed, and rejects with CARD_REMOVED when it leaves during a session', async () => {
    const transport = await pcsc().connect(VIRTUAL_READER);
    expect((await transport.transmit(apdu('00 84 00 00 08'))).sw).toBe(0x9000);
    const events: ReaderEvent[] = [];
    const unwatch = pcsc().watch((event) => events.push(event));
    await vi.waitFor(
      () => expect(events).toContainEqual(expect.objectContaining({ type: 'card-inserted' })),
      {
        timeout: 10_000,
      },
    );
    await peer.removeCard();
    await vi.waitFor(() => expect(events).toContainEqual({ type: 'card-removed', reader: VIRTUAL_READER }), {
      timeout: 10_000,
    });
    unwatch();
    const removed = await rejection(transport.transmit(apdu('00 84 00 00 08')));
    expect(removed.code).toBe('CARD_REMOVED');
    expect(removed.details).toMatchObject({
      reader: VIRTUAL_READER,
      pcscCode: expect.stringMatching(/^0x8010/),
    });
    await transport.close();
    expect(await pcsc().list()).toContainEqual({ name: VIRTUAL_READER, cardPresent: false });
  });

  it('says CARD_NO_READER when pcscd is not running, and watch() picks it up again when it returns', async () => {
    const events: ReaderEvent[] = [];
    const unwatch = pcsc({ watchRetryMs: 100 }).watch((event) => events.push(event));
    await vi.waitFor(() => expect(events).toContainEqual({ type: 'reader-added', reader: VIRTUAL_READER }), {
      timeout: 10_000,
    });
    await peer.stopPcscd();

    const listing = await rejection(pcsc().list());
    expect(listing.code).toBe('CARD_NO_READER');
    expect(listing.details).toMatchObject({ pcscCode: '0x8010001D', pcscError: 'PC/SC service not running' });
    expect((await rejection(pcsc().connect())).code).toBe('CARD_NO_READER');
    await vi.waitFor(
      () => expect(events).toContainEqual({ type: 'reader-removed', reader: VIRTUAL_READER }),
      {
        timeout: 10_000,
      },
    );

    events.length = 0;
    await peer.startPcscd();
    await vi.waitFor(() => expect(events).toContainEqual({ type: 'reader-added', reader: VIRTUAL_READER }), {
      timeout: 10_000,
    });
    unwatch();
    expect(await pcsc().list()).toContainEqual({ name: VIRTUAL_READER, cardPresent: false });
  });

  it('says CARD_NO_READER, with the reason, where the PC/SC library cannot be loaded', async () => {
    const absent = pcsc({
      loadBinding: () => Promise.reject(new Error('libpcsclite.so.1: cannot open shared object file')),
    });
    const error = await rejection(absent.list());
    expect(error.code).toBe('CARD_NO_READER');
    expect(error.details).toEqual({
      reason: 'binding-unavailable',
      error: 'libpcsclite.so.1: cannot open shared object file',
    });
    expect((await rejection(absent.connect())).code).toBe('CARD_NO_READER');
    const unwatch = absent.watch(() => {
      throw new Error('no event expected');
    });
    unwatch();
  });
});
