/** The configuration files' schema: the user's (data folder) and the administrator's (machine-wide). */
import { z } from 'zod';
import { httpsUrl } from '../contract/contract';
import { countries, languages, updateChannels } from '../contract/types';
import { pacsConfig } from '../imaging/dicomweb/pacs-config';

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

const timeOfDay = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be a time of day, HH:MM');

/**
 * Signed updates (main/update/). Read from the administrator's machine-wide file only: a user's
 * file cannot point a workstation at another server or channel.
 */
const updatePolicy = z
  .object({
    /** The update server's root: `<url>/<channel>/release.json`, `<url>/keys/<n>.json`. https, or http on loopback. */
    url: httpsUrl,
    channel: z.enum(updateChannels).optional(),
    checkIntervalHours: z.number().int().min(1).max(168).optional(),
    /** Local time; the end may be before the start (a window over midnight). */
    maintenanceWindow: z.object({ start: timeOfDay, end: timeOfDay }).strict().nullable().optional(),
  })
  .strict();

/**
 * An OCR document scanner in its vendor HID-data mode (native/card/hid-mrz-scanner.ts): which
 * device, and how its reports frame the MRZ text (see the scanner's manual).
 */
const mrzScanner = z
  .object({
    vendorId: z.number().int().min(0).max(0xffff),
    productId: z.number().int().min(0).max(0xffff),
    /** node-hid's device path, where several identical scanners are attached. */
    path: z.string().min(1).optional(),
    framing: z
      .object({
        reportId: z.number().int().min(0).max(255).nullable(),
        payload: z.enum(['length-byte', 'nul-padded']),
        endOfDocument: z.array(z.number().int().min(0).max(255)).max(4).optional(),
      })
      .strict(),
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
    update: updatePolicy.nullable().optional(),
    mrzScanner: mrzScanner.nullable().optional(),
    /** Background sync with the national record service every so many seconds (main/sync/sync-scheduler.ts). */
    syncIntervalSeconds: z.number().int().min(30).max(86_400).optional(),
    /** The PACS for DICOMweb query, retrieve and store (main/imaging/dicomweb/pacs-config.ts). */
    pacs: pacsConfig.nullable().optional(),
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
  update: null,
  mrzScanner: null,
  syncIntervalSeconds: 300,
  pacs: null,
} as const satisfies Required<ConfigFile>;

export type EffectiveConfig = {
  -readonly [K in keyof Required<ConfigFile>]:
    NonNullable<ConfigFile[K]> | (null extends ConfigFile[K] ? null : never);
};
