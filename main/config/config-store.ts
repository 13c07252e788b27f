/**
 * Configuration: defaults ⊕ the user's file (data folder) ⊕ the administrator's machine-wide file.
 * A key present in the machine-wide file wins and is locked: the user cannot change it here.
 */
import { readFileSync } from 'node:fs';
import type { AppConfigView } from '../contract/types';
import { TabibError } from '../errors';
import { writeFileAtomic } from '../storage/atomic-file';
import {
  configDefaults,
  configFileSchema,
  type ConfigFile,
  type ConfigKey,
  type EffectiveConfig,
} from './schema';

function readConfigFile(path: string, which: 'user' | 'machine'): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new TabibError('CONFIG_INVALID', `Cannot read the ${which} configuration ${path}`, { path, which });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TabibError('CONFIG_INVALID', `The ${which} configuration ${path} is not valid JSON`, {
      path,
      which,
    });
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new TabibError('CONFIG_INVALID', `The ${which} configuration ${path} has invalid settings`, {
      path,
      which,
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
    });
  }
  return parsed.data;
}

export class ConfigStore {
  constructor(
    readonly userConfigPath: string,
    readonly machineConfigPath: string,
  ) {}

  readUser(): ConfigFile {
    return readConfigFile(this.userConfigPath, 'user');
  }

  readMachine(): ConfigFile {
    return readConfigFile(this.machineConfigPath, 'machine');
  }

  effective(): EffectiveConfig {
    return { ...configDefaults, ...this.readUser(), ...this.readMachine() } as EffectiveConfig;
  }

  lockedKeys(): ConfigKey[] {
    return Object.keys(this.readMachine()) as ConfigKey[];
  }

  /** Writes user settings atomically; refuses keys the administrator has fixed. */
  update(patch: ConfigFile): EffectiveConfig {
    const locked = this.lockedKeys().filter((key) => key in patch);
    if (locked.length > 0) {
      throw new TabibError('LOCKED_BY_ADMINISTRATOR', `Set by the administrator: ${locked.join(', ')}`, {
        keys: locked,
      });
    }
    const next = configFileSchema.parse({ ...this.readUser(), ...patch });
    writeFileAtomic(this.userConfigPath, `${JSON.stringify(next, null, 2)}\n`);
    return this.effective();
  }

  /** Writes the keys the administrator has not fixed; the fixed ones keep the administrator's value. */
  updateUnlocked(patch: ConfigFile): EffectiveConfig {
    const locked = new Set<string>(this.lockedKeys());
    const allowed = Object.fromEntries(
      Object.entries(patch).filter(([key]) => !locked.has(key)),
    ) as ConfigFile;
    return this.update(allowed);
  }

  view(): AppConfigView {
    const config = this.effective();
    const service = config.nationalService;
    return {
      mode: config.mode,
      language: config.language,
      country: config.country,
      facility: config.facility,
      nationalService: service
        ? {
            baseUrl: service.baseUrl,
            tokenUrl: service.tokenUrl,
            clientId: service.clientId,
            publicKeyJwk: service.publicKeyJwk,
            keyThumbprint: service.keyThumbprint,
            enrolledAt: service.enrolledAt,
          }
        : null,
      idleLockMinutes: config.idleLockMinutes,
      lockedByAdministrator: this.lockedKeys(),
    };
  }
}
