/**
 * Packaging (`npm run package`): Windows NSIS per-machine installer, Linux AppImage and deb.
 * Needs Electron's binary and headers, which the project's build machines cannot download; the
 * configuration is checked by test/app/security.test.ts and test/app/packaging.test.ts instead.
 *
 * CommonJS because electron-builder loads its configuration with require().
 */
/* global process -- electron-builder evaluates this file under Node, with the packaging environment. */

/**
 * The Authenticode publisher(s) of the Windows installer, exactly as in the code-signing
 * certificate's subject CN (comma-separated if several): electron-builder writes them into
 * app-update.yml, and electron-updater's NsisUpdater then refuses an update installer not signed by
 * them (shared/docs/pitfalls.md: without publisherName it only warns and skips the check).
 */
const windowsPublishers = (process.env.TABIB_WINDOWS_PUBLISHER ?? '')
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.tabib.workstation',
  productName: 'Tabib',
  copyright: 'Tabib contributors, MPL-2.0',
  directories: { output: 'dist', buildResources: 'resources/build' },
  files: ['out/**', 'package.json', '!**/*.map'],
  // Country profiles, terminology subsets, update keys: read at run time from process.resourcesPath.
  extraResources: [{ from: 'resources', to: 'resources', filter: ['**/*', '!build/**'] }],
  asar: true,
  // Native modules cannot load from inside the ASAR archive.
  asarUnpack: ['**/*.node'],
  npmRebuild: true,
  // Electron security checklist, "fuses": https://www.electronjs.org/docs/latest/tutorial/fuses
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
  },
  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    icon: 'resources/icons/tabib.png',
    verifyUpdateCodeSignature: true,
    signtoolOptions: { publisherName: windowsPublishers.length > 0 ? windowsPublishers : null },
  },
  /**
   * A Windows package whose updates would skip the Authenticode check is not built: Tabib's own
   * Ed25519 check covers every platform, but on Windows both apply (issue 8).
   */
  beforePack: async (context) => {
    if (context.electronPlatformName === 'win32' && windowsPublishers.length === 0) {
      throw new Error(
        'Set TABIB_WINDOWS_PUBLISHER to the code-signing certificate’s subject CN to package for Windows',
      );
    }
  },
  nsis: {
    // No spaces: electron-builder's default ("Tabib Setup 1.4.0.exe") is listed in latest.yml under
    // a dashed name, which a generic server would not find; `tabib release sign` signs what is there.
    artifactName: '${productName}-Setup-${version}.${ext}',
    oneClick: false,
    perMachine: true,
    allowElevation: true,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    shortcutName: 'Tabib',
    // Patient data stays where it is when the program is removed; the administrator decides.
    deleteAppDataOnUninstall: false,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Office;MedicalSoftware',
    icon: 'resources/icons/tabib.png',
    maintainer: 'Tabib contributors <dev@tabib.invalid>',
    synopsis: 'Clinical workstation on the national shared patient record',
  },
  deb: {
    // libsecret: safeStorage's keychain backend; pcscd: smart-card readers.
    depends: ['libsecret-1-0', 'pcscd'],
  },
  // Makes electron-builder write app-update.yml (updater cache folder, publisherName) and the
  // latest*.yml feeds. The URL is not used: the workstation's update server and channel come from
  // the administrator's machine-wide configuration (main/update/update-policy.ts).
  publish: [{ provider: 'generic', url: 'https://updates.tabib.invalid/${channel}', channel: 'stable' }],
};
