/**
 * The chip simulator as a card: its ISO 7816 status words and access conditions, driven with
 * raw APDUs (and, once access is granted, with the terminal's secure messaging whose wrapping the
 * Appendix D tests pin to the published bytes).
 */
import { describe, expect, it } from 'vitest';
import { ApduChannel, encodeCommand } from '../../../main/card/protocol/apdu';
import { performBac } from '../../../main/card/protocol/bac';
import { fromHex, toHex } from '../../../main/card/protocol/bytes';
import { parseCardAccess } from '../../../main/card/protocol/card-access';
import { performPace } from '../../../main/card/protocol/pace';
import { SecureMessaging } from '../../../main/card/protocol/secure-messaging';
import { ChipSimulator } from './chip-simulator';
import { fakeFiles, SIM_CAN, SIM_MRZ } from './fake-files';

const raw = async (card: ChipSimulator, hex: string) => {
  const response = await card.transmit(fromHex(hex));
  return { data: toHex(response.data), sw: response.sw.toString(16).toUpperCase() };
};

async function bacCard() {
  const card = new ChipSimulator({ mrz: SIM_MRZ, files: fakeFiles(1000) });
  const channel = new ApduChannel(card);
  expect((await raw(card, '00A4040C07A0000002471001')).sw).toBe('9000');
  const bac = await performBac(channel, { kind: 'mrz', ...SIM_MRZ });
  return { card, channel, sm: new SecureMessaging(channel, bac.keys, bac.ssc) };
}

describe('chip simulator: ISO 7816 answers', () => {
  it('answers in clear before access: 6A82, 6982, 6D00, 6E00, 6700', async () => {
    const card = new ChipSimulator({ mrz: SIM_MRZ, files: fakeFiles() });
    expect((await raw(card, '00B09C0004')).sw).toBe('6A82'); // no EF.CardAccess on a BAC-only chip
    expect((await raw(card, '00A4040C07A0000002471002')).sw).toBe('6A82'); // another application
    expect((await raw(card, '00A4040C07A0000002471001')).sw).toBe('9000');
    expect((await raw(card, '00A4020C020101')).sw).toBe('6982'); // DG1 without access
    expect((await raw(card, '00B0810004')).sw).toBe('6982');
    expect((await raw(card, '00A4020C020177')).sw).toBe('6A82');
    expect((await raw(card, '00CA000000')).sw).toBe('6D00');
    expect((await raw(card, '80B0000004')).sw).toBe('6E00');
    expect((await raw(card, '0084000004')).sw).toBe('6700'); // challenge of 8 bytes only
    expect((await raw(card, '00A4')).sw).toBe('6700'); // malformed APDU
    expect((await raw(card, '00B0000000000004')).sw).toBe('6700'); // extended length on a short card
    expect(card.apduCount).toBe(11);
  });

  it('refuses EXTERNAL AUTHENTICATE with a bad cryptogram (6300) and without a challenge (6985)', async () => {
    const card = new ChipSimulator({ mrz: SIM_MRZ, files: fakeFiles() });
    await raw(card, '00A4040C07A0000002471001');
    expect((await raw(card, '0082000028' + '00'.repeat(40) + '28')).sw).toBe('6985');
    expect((await raw(card, '0084000008')).data).toHaveLength(16);
    expect((await raw(card, '0082000028' + '00'.repeat(40) + '28')).sw).toBe('6300');
  });

  it('serves files under secure messaging: 9000, 6282 at the end, 6B00 past it, 6A82 absent', async () => {
    const { card: simulator, sm } = await bacCard();
    const dg1 = fakeFiles(1000).get(0x0101)!;
    expect(await sm.send({ cla: 0, ins: 0xb0, p1: 0x81, p2: 0, ne: 4 })).toEqual({
      data: dg1.subarray(0, 4),
      sw: 0x9000,
    });
    expect(await sm.send({ cla: 0, ins: 0xb0, p1: 0, p2: 90, ne: 10 })).toEqual({
      data: dg1.subarray(90),
      sw: 0x6282,
    });
    expect((await sm.send({ cla: 0, ins: 0xb0, p1: 0, p2: 94, ne: 1 })).sw).toBe(0x6b00);
    expect((await sm.send({ cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: fromHex('010C') })).sw).toBe(0x6a82);
    // A protected response must fit in 256 bytes: 232 plaintext bytes do not under 3DES (the
    // terminal code refuses to ask; force the request with a short outer Le).
    const tooLong = sm.wrap({ cla: 0, ins: 0xb0, p1: 0x82, p2: 0, ne: 232 }, true);
    expect(tooLong.extended).toBe(true);
    const answer = await simulator.transmit(encodeCommand({ ...tooLong.apdu, ne: 256 }, false));
    expect(sm.unwrap(answer).sw).toBe(0x6700);
    expect((await sm.send({ cla: 0, ins: 0xb0, p1: 0x82, p2: 0, ne: 231 })).data).toHaveLength(231);
  });

  it('ends secure messaging on a command with a wrong MAC (6988) or in clear', async () => {
    const { card, sm } = await bacCard();
    const wrapped = sm.wrap({ cla: 0, ins: 0xb0, p1: 0x81, p2: 0, ne: 4 });
    const bytes = encodeCommand(wrapped.apdu);
    bytes[bytes.length - 2]! ^= 0x01; // last MAC byte
    expect((await card.transmit(bytes)).sw).toBe(0x6988);
    expect(card.secured).toBe(false);

    const again = await bacCard();
    expect((await raw(again.card, '00B0810004')).sw).toBe('6982');
    expect(again.card.secured).toBe(false);
  });

  it('runs PACE with a CAN and refuses a wrong one with 6300 at the last step', async () => {
    const files = fakeFiles(1000);
    const card = new ChipSimulator({ can: SIM_CAN, files, pace: { parameterId: 13, cipher: 'AES-128' } });
    const cardAccess = (await raw(card, '00B09C0000')).data;
    const [info] = parseCardAccess(fromHex(cardAccess)).paceInfos;
    expect(info!.parameterId).toBe(13);
    const channel = new ApduChannel(card);
    await expect(performPace(channel, { kind: 'can', can: '000000' }, info!)).rejects.toMatchObject({
      code: 'CARD_ACCESS_DENIED',
    });
    expect(card.secured).toBe(false);
    const pace = await performPace(channel, { kind: 'can', can: SIM_CAN }, info!);
    expect(card.secured).toBe(true);
    const sm = new SecureMessaging(channel, pace.keys, pace.ssc);
    expect((await sm.send({ cla: 0, ins: 0xa4, p1: 4, p2: 0x0c, data: fromHex('A0000002471001') })).sw).toBe(
      0x9000,
    );
    expect((await sm.send({ cla: 0, ins: 0xb0, p1: 0x81, p2: 0, ne: 4 })).data).toEqual(
      files.get(0x0101)!.subarray(0, 4),
    );
  });

  it('refuses MSE:Set AT for a password it does not hold (6A88) and PACE on a BAC-only chip (6D00)', async () => {
    const card = new ChipSimulator({
      mrz: SIM_MRZ,
      files: fakeFiles(),
      pace: { parameterId: 13, cipher: 'AES-128' },
    });
    expect((await raw(card, '0022C1A40F800A04007F00070202040202830102')).sw).toBe('6A88');
    expect((await raw(card, '0022C1A40F800A04007F00070202040202830101')).sw).toBe('9000');
    expect((await raw(card, '0022C1A40F800A04007F00070202040204830101')).sw).toBe('6A80'); // other suite
    const bacOnly = new ChipSimulator({ mrz: SIM_MRZ, files: fakeFiles() });
    expect((await raw(bacOnly, '0022C1A40F800A04007F00070202040202830101')).sw).toBe('6D00');
  });

  it('throws CARD_REMOVED once removed, for every later APDU', async () => {
    const card = new ChipSimulator({
      mrz: SIM_MRZ,
      files: fakeFiles(),
      fault: (n) => (n === 2 ? 'remove' : undefined),
    });
    expect((await raw(card, '00A4040C07A0000002471001')).sw).toBe('9000');
    await expect(card.transmit(fromHex('0084000008'))).rejects.toMatchObject({ code: 'CARD_REMOVED' });
    await expect(card.transmit(fromHex('0084000008'))).rejects.toMatchObject({ code: 'CARD_REMOVED' });
  });
});
