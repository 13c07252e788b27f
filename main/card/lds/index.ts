/** The Logical Data Structure (ICAO 9303-10): TLV, the files, their parsers, and the identity built from them. */
export {
  readTlv,
  readTlvList,
  readFileTlv,
  tlvTotalLength,
  findTlv,
  requireTlv,
  encodeTlv,
  concatBytes,
  type Tlv,
} from './tlv';
export {
  EF_COM,
  EF_SOD,
  DATA_GROUPS,
  LDS_FILES,
  dataGroupFile,
  fileById,
  fileByName,
  fileByTag,
  type LdsFile,
} from './files';
export { parseEfCom, type EfCom } from './ef-com';
export { parseDg1, dg1MrzText } from './dg1';
export { parseDg2, parseFacialRecord, imageTypeOf, type FaceImage, type FaceImageType } from './dg2';
export { parseDg11, scriptOf, type Dg11, type LdsName } from './dg11';
export { parseDg12, type Dg12 } from './dg12';
export { parseSod, parseSignedData, LDS_SECURITY_OBJECT_OID, type Sod } from './sod';
export { decodeJpeg2000, encodePng, type DecodedImage } from './jpeg2000';
export { faceForDisplay, type FacePhoto } from './face-photo';
export {
  parseLdsFiles,
  buildCardIdentity,
  identityFromMrz,
  dataGroupsOf,
  dataGroupReports,
  type LdsFiles,
  type LdsDocument,
  type IdentityOptions,
  type IdentityResult,
} from './document';
