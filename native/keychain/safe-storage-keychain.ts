/**
 * The OS keychain through Electron's safeStorage (DPAPI on Windows, Keychain on macOS, libsecret
 * or KWallet on Linux). Runs only in Electron's main process; the services worker reaches it
 * through the worker host's capability channel.
 *
 * safeStorage works on strings; secrets are passed as base64 so no byte is lost in UTF-8.
 */
import { safeStorage } from 'electron';
import { TabibError } from '../../main/errors';
import type { Keychain, KeychainDescription } from './keychain';

export class SafeStorageKeychain implements Keychain {
  async describe(): Promise<KeychainDescription> {
    if (process.platform === 'win32') return { backend: 'dpapi', strong: true };
    if (process.platform === 'darwin') return { backend: 'macos_keychain', strong: true };
    const backend = safeStorage.getSelectedStorageBackend();
    return { backend, strong: backend !== 'basic_text' && backend !== 'unknown' };
  }

  private async available(): Promise<void> {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) {
      throw new TabibError('KEYCHAIN_UNAVAILABLE', 'The operating system keychain is not available');
    }
  }

  async wrap(secret: Uint8Array): Promise<Uint8Array> {
    await this.available();
    return safeStorage.encryptStringAsync(Buffer.from(secret).toString('base64'));
  }

  async unwrap(wrapped: Uint8Array): Promise<Uint8Array> {
    await this.available();
    const { result } = await safeStorage.decryptStringAsync(Buffer.from(wrapped));
    return Buffer.from(result, 'base64');
  }
}
