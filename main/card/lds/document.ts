/**
 * From the files read off the chip to a CardIdentity (card-identity.ts): DG1 is required, DG2,
 * DG11 and DG12 are used where present, and the country profile says where the national
 * identifier is (mrz/profiles.ts). Without a chip, identityFromMrz builds the same from the MRZ.
 */
import type { CardIdentity, DataGroupReport } from '../card-identity';
import type { CountryProfile } from '../../record/identity/country-profile';
import { TabibError } from '../../errors';
import {
  documentProfileFor,
  extractNationalId,
  mrzDateToIso,
  type DocumentProfile,
  type NationalIdSource,
  type ParsedMrz,
} from '../mrz';
import { parseDg1 } from './dg1';
import { parseDg2, type FaceImage } from './dg2';
import { parseDg11, type Dg11 } from './dg11';
import { parseDg12, type Dg12 } from './dg12';
import { parseEfCom, type EfCom } from './ef-com';
import { faceForDisplay } from './face-photo';
import { DATA_GROUPS, EF_COM, EF_SOD, fileById } from './files';
import { parseSod, type Sod } from './sod';

/** The files read, by file identifier (0x011E EF.COM, 0x0101 DG1, 0x0102 DG2, …, 0x011D EF.SOD). */
export type LdsFiles = ReadonlyMap<number, Uint8Array>;

export interface LdsDocument {
  com: EfCom | null;
  /** DG1's MRZ. */
  mrz: ParsedMrz;
  /** DG2's faces (empty when DG2 was not read). */
  faces: FaceImage[];
  dg11: Dg11 | null;
  dg12: Dg12 | null;
  sod: Sod | null;
}

/** Parses the files read. DG1 is required (CARD_UNSUPPORTED without it); a malformed file is CARD_PROTOCOL_ERROR. */
export function parseLdsFiles(files: LdsFiles): LdsDocument {
  const file = (dataGroup: number): Uint8Array | undefined => files.get(0x0100 + dataGroup);
  const dg1 = file(1);
  if (!dg1) throw new TabibError('CARD_UNSUPPORTED', 'The document has no DG1 (MRZ data group)');
  const com = files.get(EF_COM.fileId);
  const dg2 = file(2);
  const dg11 = file(11);
  const dg12 = file(12);
  const sod = files.get(EF_SOD.fileId);
  return {
    com: com ? parseEfCom(com) : null,
    mrz: parseDg1(dg1),
    faces: dg2 ? parseDg2(dg2) : [],
    dg11: dg11 ? parseDg11(dg11) : null,
    dg12: dg12 ? parseDg12(dg12) : null,
    sod: sod ? parseSod(sod) : null,
  };
}

/** The data groups among `files`, by data group number, as passive authentication takes them. */
export function dataGroupsOf(files: LdsFiles): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  for (const [fileId, bytes] of files) {
    const dataGroup = fileById(fileId)?.dataGroup;
    if (dataGroup) out.set(dataGroup, bytes);
  }
  return out;
}

/**
 * One DataGroupReport per file read (EF.COM, DGs in order, EF.SOD), with the hash result of
 * passive authentication where it compared one (null for EF.COM, EF.SOD, or no verification).
 */
export function dataGroupReports(
  files: LdsFiles,
  hashes: readonly { dataGroup: number; hashValid: boolean }[] = [],
): DataGroupReport[] {
  const order = [EF_COM, ...DATA_GROUPS, EF_SOD];
  return order
    .filter((file) => files.has(file.fileId))
    .map((file) => ({
      name: file.name,
      bytes: (files.get(file.fileId) as Uint8Array).length,
      hashValid: hashes.find((entry) => entry.dataGroup === file.dataGroup)?.hashValid ?? null,
    }));
}

export interface IdentityOptions {
  /** The deployment's country profile for the issuing country (default: the one shipped). */
  countryProfile?: CountryProfile;
  /** Where to look for the national identifier, overriding the profile. */
  nationalIdSources?: NationalIdSource[];
  /** For the century of two-digit MRZ years (default: now). */
  today?: Date;
}

export interface IdentityResult {
  identity: CardIdentity;
  profile: DocumentProfile;
  /** Where the national identifier was found, or null. */
  nationalIdSource: NationalIdSource | null;
  /** What could not be used, for the CLI (e.g. a face image that does not decode). No card data. */
  warnings: string[];
}

function isoOrNull(value: string | null | undefined): string | null {
  return value ?? null;
}

function assemble(
  mrz: ParsedMrz,
  dg11: Dg11 | null,
  photo: CardIdentity['photo'],
  options: IdentityOptions,
): Omit<IdentityResult, 'warnings'> {
  const profile = documentProfileFor(mrz, {
    countryProfile: options.countryProfile,
    sources: options.nationalIdSources,
  });
  const found = extractNationalId(
    profile,
    { mrz, dg11PersonalNumber: dg11?.personalNumber },
    options.countryProfile,
  );
  const names = [dg11?.fullName, ...(dg11?.otherNames ?? [])].filter((name) => name != null);
  const latin = names.find((name) => name.script === 'latin');
  const arabic = names.find((name) => name.script === 'arabic');
  // The MRZ's names, unless the MRZ ran out of room and DG11 has them whole (card-identity.ts).
  const useDg11Latin = mrz.nameTruncated && latin !== undefined;
  const today = options.today ?? new Date();
  return {
    profile,
    nationalIdSource: found?.source ?? null,
    identity: {
      kind: profile.kind,
      documentCode: mrz.documentCode,
      issuingState: mrz.issuingState,
      documentNumber: mrz.documentNumber,
      nationalId: found ? { country: found.country, value: found.value } : null,
      familyName: useDg11Latin ? latin.family : mrz.familyName,
      givenNames: useDg11Latin ? latin.given : mrz.givenNames,
      familyNameArabic: arabic?.family || null,
      givenNamesArabic: arabic?.given || null,
      birthDate: isoOrNull(dg11?.fullDateOfBirth) ?? mrzDateToIso(mrz.birthDate, 'birth', today),
      sex: mrz.sex,
      nationality: mrz.nationality,
      expiryDate: mrzDateToIso(mrz.expiryDate, 'expiry', today),
      placeOfBirth: dg11?.placeOfBirth ?? null,
      address: dg11?.address ?? null,
      photo,
    },
  };
}

/** The identity from the chip's files. Async: a JPEG 2000 face is decoded to PNG. */
export async function buildCardIdentity(
  files: LdsFiles | LdsDocument,
  options: IdentityOptions = {},
): Promise<IdentityResult> {
  const document = 'mrz' in files ? files : parseLdsFiles(files);
  const warnings: string[] = [];
  let photo: CardIdentity['photo'] = null;
  const face = document.faces[0];
  if (face) {
    try {
      photo = await faceForDisplay(face);
    } catch (error) {
      if (!(error instanceof TabibError)) throw error;
      warnings.push(`The face image could not be decoded (${face.mediaType})`);
    }
  }
  return { ...assemble(document.mrz, document.dg11, photo, options), warnings };
}

/** The identity from the MRZ alone (no chip read): no photo, no DG11 details. */
export function identityFromMrz(mrz: ParsedMrz, options: IdentityOptions = {}): IdentityResult {
  return { ...assemble(mrz, null, null, options), warnings: [] };
}

export type { Dg11, Dg12, EfCom, FaceImage, Sod };
