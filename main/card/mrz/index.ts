/** MRZ: parsing with check digits, the chip's access passwords, and where the national identifier is. */
export { normaliseMrz, MRZ_LAYOUTS, type MrzFormat } from './normalise';
export { parseMrz, mrzCheckDigit, mrzDateToIso, type ParsedMrz, type MrzFieldProblem } from './parse-mrz';
export { accessKeyFromMrz, accessKeyFromFields, parseCan, type MrzAccessKey } from './access-key';
export {
  documentProfileFor,
  documentKind,
  extractNationalId,
  ISSUING_STATES,
  DEFAULT_NATIONAL_ID_SOURCES,
  type DocumentProfile,
  type DocumentProfileOptions,
  type NationalIdSource,
  type NationalIdFound,
} from './profiles';
