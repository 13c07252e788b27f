/** The configuration files' schema: the user's (data folder) and the administrator's (machine-wide). */
import { z } from 'zod';
import { countries, languages } from '../contract/types';

const nationalService = z
  .object({
    baseUrl: z.string().url(),
    tokenUrl: z.string().url(),
    clientId: z.string().min(1),
    publicKeyJwk: z.record(z.string(), z.string()),
    keyThumbprint: z.string(),
    enrolledAt: z.string(),
    /** PEM file of the ministry's certificate authority, if it is not in the OS store. */
    caCertificateFile: z.string().optional(),
  })
  .strict();

export const configFileSchema = z
  .object({
    mode: z.enum(['unconfigured', 'demo', 'national']).optional(),
    language: z.enum(languages).optional(),
    country: z.enum(countries).optional(),
    facility: z
      .object({ id: z.string().min(1), name: z.string().min(1) })
      .strict()
      .nullable()
      .optional(),
    nationalService: nationalService.nullable().optional(),
    idleLockMinutes: z.number().int().min(1).max(240).optional(),
    /** Allow the record to open when the OS keychain is only Electron's 'basic_text' fallback. */
    allowWeakKeychain: z.boolean().optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;
export type ConfigKey = keyof ConfigFile;

export const configDefaults = {
  mode: 'unconfigured',
  language: 'fr',
  country: 'MA',
  facility: null,
  nationalService: null,
  idleLockMinutes: 5,
  allowWeakKeychain: false,
} as const satisfies Required<ConfigFile>;

export type EffectiveConfig = {
  -readonly [K in keyof Required<ConfigFile>]:
    NonNullable<ConfigFile[K]> | (null extends ConfigFile[K] ? null : never);
};
