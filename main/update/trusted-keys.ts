/**
 * The public keys a workstation trusts for updates, and their rotation.
 *
 * The list shipped in resources/update/keys.json is trusted because it was installed with the
 * application. A newer list is adopted only as the next link of a chain: version n+1, signed by a
 * key of list n AND by a key of list n+1 itself — TUF specification §5.3.4 (root rotation), with
 * threshold 1. The second signature proves the new keys' holders have them, so a mistyped public
 * key cannot lock a fleet out of updates. Lists are published as `<server>/keys/<n>.json`.
 */
import { z } from 'zod';
import {
  checkSignatures,
  keyIdOf,
  keyIdPattern,
  parseEnvelope,
  signDocument,
  type PublicKeyEntry,
  type SignedEnvelope,
  type SigningKey,
} from './signed-document';

export const KEY_LIST_TYPE = 'tabib.update-keys';

const publicKeyEntrySchema = z
  .object({
    keyId: z.string().regex(keyIdPattern),
    publicKey: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a raw Ed25519 public key (32 bytes, base64)'),
    /** Who holds the private key, for the administrator reading the list. */
    name: z.string().max(200).optional(),
  })
  .strict()
  .refine((entry) => keyIdOf(Buffer.from(entry.publicKey, 'base64')) === entry.keyId, {
    message: 'keyId is not the SHA-256 prefix of the public key',
  });

export const keyListSchema = z
  .object({
    type: z.literal(KEY_LIST_TYPE),
    version: z.number().int().min(1),
    keys: z.array(publicKeyEntrySchema).max(32),
  })
  .strict();

export type KeyList = z.infer<typeof keyListSchema>;

export type KeyListRefusal =
  'malformed' | 'notNextVersion' | 'empty' | 'notSignedByCurrentKey' | 'notSignedByNewKey';

export type KeyListAdoption = { ok: true; list: KeyList } | { ok: false; why: KeyListRefusal };

/** The shipped list: its signatures, if any, are not needed; installation is its trust. */
export function parseShippedKeyList(bytes: Uint8Array): KeyList {
  const envelope = parseEnvelope(bytes);
  const parsed = keyListSchema.safeParse(envelope?.signed);
  if (!parsed.success) throw new TypeError('resources/update/keys.json is not a Tabib key list');
  return parsed.data;
}

export function adoptKeyList(current: KeyList, candidate: SignedEnvelope): KeyListAdoption {
  const parsed = keyListSchema.safeParse(candidate.signed);
  if (!parsed.success) return { ok: false, why: 'malformed' };
  const next = parsed.data;
  if (next.version !== current.version + 1) return { ok: false, why: 'notNextVersion' };
  if (next.keys.length === 0) return { ok: false, why: 'empty' };
  if (!checkSignatures(candidate, current.keys).valid) return { ok: false, why: 'notSignedByCurrentKey' };
  if (!checkSignatures(candidate, next.keys).valid) return { ok: false, why: 'notSignedByNewKey' };
  return { ok: true, list: next };
}

export interface KeyChainResult {
  list: KeyList;
  /** The links adopted, in order (to persist: the chain is re-verified from the shipped list at every start). */
  adopted: SignedEnvelope[];
  refused: { version: number | null; why: KeyListRefusal } | null;
}

/**
 * Walks a chain of key lists from a trusted one. Links at or below the trusted version are
 * skipped (a newer application may ship a newer list than the chain started from).
 */
export function followKeyChain(trusted: KeyList, links: readonly SignedEnvelope[]): KeyChainResult {
  let list = trusted;
  const adopted: SignedEnvelope[] = [];
  for (const link of links) {
    const version = typeof link.signed.version === 'number' ? link.signed.version : null;
    if (version !== null && version <= list.version) continue;
    const adoption = adoptKeyList(list, link);
    if (!adoption.ok) return { list, adopted, refused: { version, why: adoption.why } };
    list = adoption.list;
    adopted.push(link);
  }
  return { list, adopted, refused: null };
}

/** A new list, for `tabib release keys`: signed by the given keys (the tool checks the chain rule itself). */
export function signKeyList(list: KeyList, keys: SigningKey[]): SignedEnvelope<KeyList> {
  return signDocument(keyListSchema.parse(list), keys);
}

export function publicEntries(list: KeyList): PublicKeyEntry[] {
  return list.keys.map(({ keyId, publicKey }) => ({ keyId, publicKey }));
}
