/** The user configuration of a workstation enrolled with the (simulated) national record service. */
import type { ConfigFile } from '../../main/config/schema';

export const enrolledConfig = (language: 'fr' | 'ar'): ConfigFile => ({
  mode: 'national',
  language,
  country: 'MA',
  facility: { id: 'CS-0417', name: 'Centre de santé urbain Agdal' },
  // The harness's key-file keychain is not a protected one.
  allowWeakKeychain: true,
  nationalService: {
    baseUrl: 'https://dossier.sante.example/fhir',
    tokenUrl: 'https://iam.sante.example/token',
    clientId: 'tabib-ws-0417',
    publicKeyJwk: { kty: 'EC', crv: 'P-384', x: 'x', y: 'y' },
    keyThumbprint: 'thumbprint',
    enrolledAt: '2026-11-02T10:00:00.000Z',
  },
});
