/**
 * A CardTransport that plays a fixed script: each transmit() must send exactly the next expected
 * command (hex), and gets the scripted response (hex: data ‖ SW). Used to replay the APDU
 * exchanges of ICAO 9303-11's worked examples byte for byte.
 */
import { expect } from 'vitest';
import type { CardTransport, ResponseApdu } from '../../../main/card/card-transport';
import { decodeResponse } from '../../../main/card/protocol/apdu';
import { fromHex, toHex } from '../../../main/card/protocol/bytes';

export class ScriptedTransport implements CardTransport {
  readonly reader = 'Scripted';
  readonly atr = new Uint8Array(0);
  private index = 0;

  constructor(
    private readonly script: [command: string, response: string][],
    readonly extendedLength = false,
  ) {}

  async transmit(command: Uint8Array): Promise<ResponseApdu> {
    const step = this.script[this.index];
    expect(step, `unexpected extra command ${toHex(command)}`).toBeDefined();
    // '*' accepts any command (one computed from values that differ from the published ones).
    if (step![0] !== '*') {
      expect(toHex(command), `command #${this.index + 1}`).toBe(step![0].replace(/\s+/g, '').toUpperCase());
    }
    this.index++;
    return decodeResponse(fromHex(step![1]));
  }

  /** Whether every scripted command was sent. */
  get finished(): boolean {
    return this.index === this.script.length;
  }

  async close(): Promise<void> {}
}
