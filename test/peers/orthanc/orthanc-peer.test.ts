/**
 * The Orthanc test peer itself: it starts on a free loopback port with its own temporary storage,
 * answers DICOMweb only to its Basic users, and is gone — process and folder — after `stop()`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startOrthancPeer } from './orthanc-peer';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the Orthanc peer', () => {
  it('starts on loopback with Basic users and the DICOMweb plugin, and stops by its pid', async () => {
    const peer = await startOrthancPeer({ users: { reader: 'secret-1', other: 'secret-2' } });
    const pid = peer.pid as number;
    try {
      expect(peer.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const config = JSON.parse(readFileSync(join(peer.dir, 'orthanc.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(config).toMatchObject({
        RemoteAccessAllowed: false,
        DicomServerEnabled: false,
        AuthenticationEnabled: true,
      });
      expect(alive(pid)).toBe(true);
      const system = await peer.rest('/system');
      expect(((await system.json()) as { PluginsEnabled: boolean }).PluginsEnabled).toBe(true);
      const basic = (user: string, password: string) => ({
        authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
      });
      expect(
        (await fetch(`${peer.dicomWebUrl}/studies`, { headers: basic('other', 'secret-2') })).status,
      ).toBe(200);
      expect((await fetch(`${peer.dicomWebUrl}/studies`, { headers: basic('other', 'nope') })).status).toBe(
        401,
      );
      expect((await fetch(`${peer.dicomWebUrl}/studies`)).status).toBe(401);
    } finally {
      await peer.stop();
    }
    expect(alive(pid)).toBe(false);
    expect(existsSync(peer.dir)).toBe(false);
    expect(peer.pid).toBeNull();
  });
});
