/**
 * The PACS a workstation queries and retrieves from over DICOMweb: configuration entry `pacs` of the
 * machine-wide or user configuration (main/config/schema.ts). Secrets (a Basic password, a static
 * bearer token) are never in the configuration: they are kept wrapped by the OS keychain
 * (pacs-secret.ts), set with `tabib imaging pacs-secret`.
 */
import { z } from 'zod';
import { httpsUrl } from '../../contract/contract';

export const pacsAuthentication = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  /** HTTP Basic (RFC 7617); the password is the keychain-wrapped PACS secret. */
  z.object({ type: z.literal('basic'), username: z.string().min(1).max(200) }).strict(),
  /** A static bearer token (RFC 6750), the keychain-wrapped PACS secret. */
  z.object({ type: z.literal('bearer') }).strict(),
  /**
   * Bearer tokens from OAuth 2.0 client credentials, the client authenticated by a JWT signed with
   * the workstation's key (main/sync/token-source.ts), as for the national record service.
   */
  z
    .object({
      type: z.literal('client-credentials'),
      tokenUrl: httpsUrl,
      clientId: z.string().min(1).max(200),
      scope: z.string().min(1).max(1000).optional(),
      /** The assertion's audience when the provider wants another than its token URL. */
      audience: z.string().min(1).max(1000).optional(),
    })
    .strict(),
]);

export const pacsConfig = z
  .object({
    /** The DICOMweb root, e.g. `https://pacs.region.example/dicom-web`: https, or http on loopback. */
    baseUrl: httpsUrl,
    auth: pacsAuthentication,
    /** Imported studies may be sent to the PACS (STOW-RS). */
    stowEnabled: z.boolean(),
    /** PEM file of the certificate authority of the PACS, if it is not in the OS store. */
    caCertificateFile: z.string().min(1).optional(),
  })
  .strict();

export type PacsConfig = z.infer<typeof pacsConfig>;
export type PacsAuthenticationConfig = z.infer<typeof pacsAuthentication>;
