/** First run: enrol with a national record service, or run as a demonstration. */
import type { AppConfigView, Country, EnrolmentResult, Facility } from '../contract/types';
import type { ConfigStore } from '../config/config-store';
import type { Keychain } from '../../native/keychain/keychain';
import { TabibError } from '../errors';
import { probeCapabilityStatement } from '../sync/capability-probe';
import { createWorkstationKey } from './workstation-key';

export interface EnrolmentRequest {
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  facility: Facility;
  country: Country;
}

export const DEMO_FACILITY: Facility = { id: 'demo', name: 'Tabib — démonstration' };

export class WorkstationSetup {
  constructor(
    private readonly config: ConfigStore,
    private readonly keychain: Keychain,
    private readonly credentialsPath: string,
  ) {}

  private assertUnconfigured(): void {
    if (this.config.effective().mode !== 'unconfigured') {
      throw new TabibError('ALREADY_CONFIGURED', 'This workstation is already set up');
    }
  }

  async enrol(request: EnrolmentRequest): Promise<EnrolmentResult> {
    this.assertUnconfigured();
    const reachability = await probeCapabilityStatement(request.baseUrl);
    const key = await createWorkstationKey(this.keychain, this.credentialsPath);
    this.config.updateUnlocked({
      mode: 'national',
      country: request.country,
      facility: request.facility,
      nationalService: {
        baseUrl: request.baseUrl.replace(/\/+$/, ''),
        tokenUrl: request.tokenUrl,
        clientId: request.clientId,
        publicKeyJwk: key.jwk,
        keyThumbprint: key.thumbprint,
        enrolledAt: new Date().toISOString(),
      },
    });
    return { config: this.config.view(), reachability };
  }

  startDemo(country: Country): AppConfigView {
    this.assertUnconfigured();
    this.config.updateUnlocked({ mode: 'demo', country, facility: DEMO_FACILITY, nationalService: null });
    return this.config.view();
  }
}
