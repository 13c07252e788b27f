/**
 * The OS keychain, as main/ sees it: wraps and unwraps small secrets (the record's database key,
 * the workstation's signing key). Implementations: Electron safeStorage (the app) and a key file
 * (the CLI under plain Node, and tests).
 */
export interface KeychainDescription {
  /** e.g. 'gnome_libsecret', 'kwallet6', 'dpapi', 'macos_keychain', 'basic_text', 'key_file'. */
  backend: string;
  /**
   * False where the wrapping key is not protected by the OS (Electron's 'basic_text' fallback on
   * Linux, or a key file): the record then opens only if the administrator allows it.
   */
  strong: boolean;
}

export interface Keychain {
  describe(): Promise<KeychainDescription>;
  wrap(secret: Uint8Array): Promise<Uint8Array>;
  unwrap(wrapped: Uint8Array): Promise<Uint8Array>;
}
