/**
 * The record reference a printout carries in its QR code, so that whoever holds the paper (a
 * pharmacist, the specialist a patient is referred to, the clinic itself later) can find the
 * exact record it came from:
 *
 *   urn:tabib:record:MedicationRequest/<id>?=version=<n>&identifier=<system>|<value>[&group=<value>]
 *
 * - `Type/id` (FHIR R4 references.html, a relative reference): ids are client-assigned UUIDs that
 *   the resource keeps forever, on this workstation and in the national record (architecture.md);
 * - `version`: the local version the document was printed from, so a later change to the record
 *   can be told apart from what is on paper;
 * - `identifier`: the patient's national identifier as a FHIR token (system|value), so the paper
 *   is matched to the right person even where the resource has not synced yet; it is printed on
 *   the page anyway, and nothing else about the patient (no name) goes into the code;
 * - `group`: for a prescription, its groupIdentifier (the drugs signed together).
 *
 * An RFC 8141 URN with a q-component (`?=`): no server address, which differs by country and
 * changes, and nothing a scanner would open as a web link.
 */
import QRCode from 'qrcode';
import type { RecordResourceType } from '../record/resource-types';
import { trustedMarkup, type Html } from './html';

export interface RecordReference {
  type: RecordResourceType;
  id: string;
  version: number;
  nationalIdentifier: { system: string; value: string } | null;
  /** A prescription's groupIdentifier value. */
  group?: string;
}

export const RECORD_REFERENCE_PREFIX = 'urn:tabib:record:';

export function recordReferenceUri(reference: RecordReference): string {
  const query = [`version=${reference.version}`];
  if (reference.nationalIdentifier)
    query.push(
      `identifier=${encodeURIComponent(`${reference.nationalIdentifier.system}|${reference.nationalIdentifier.value}`)}`,
    );
  if (reference.group) query.push(`group=${encodeURIComponent(reference.group)}`);
  return `${RECORD_REFERENCE_PREFIX}${reference.type}/${reference.id}?=${query.join('&')}`;
}

/** Reads a reference back (what a scanner of the printout would do). */
export function parseRecordReferenceUri(uri: string): RecordReference | null {
  const match = /^urn:tabib:record:([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})\?=(.*)$/.exec(uri);
  if (!match) return null;
  const query = new URLSearchParams(match[3]);
  const version = Number(query.get('version'));
  const identifier = query.get('identifier');
  const bar = identifier?.indexOf('|') ?? -1;
  const group = query.get('group');
  return {
    type: match[1] as RecordResourceType,
    id: match[2] as string,
    version,
    nationalIdentifier:
      identifier && bar > 0 ? { system: identifier.slice(0, bar), value: identifier.slice(bar + 1) } : null,
    ...(group ? { group } : {}),
  };
}

/**
 * The options of the code: error correction M (ISO/IEC 18004 §5.3.8.1, about 15 % of the symbol
 * may be damaged — a folded or stamped paper) and the four-module quiet zone the standard asks
 * for around it (§5.3.8).
 */
export const qrOptions = { errorCorrectionLevel: 'M', margin: 4 } as const;

/** The QR code of a reference as inline SVG (vector: sharp at any print resolution). */
export async function recordReferenceQrSvg(uri: string): Promise<Html> {
  return trustedMarkup(await QRCode.toString(uri, { ...qrOptions, type: 'svg' }));
}
