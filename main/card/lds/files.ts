/**
 * The LDS 1.7 files of the eMRTD application (ICAO 9303-10 §4.6, Table 35): short file
 * identifiers, file identifiers and the tag each file starts with.
 */

export interface LdsFile {
  /** 'EF.COM', 'DG1' … 'DG16', 'EF.SOD'. */
  name: string;
  /** File identifier for SELECT (0x0101 = DG1). */
  fileId: number;
  /** Short EF identifier for READ BINARY with SFI. */
  sfi: number;
  /** The file's first tag (0x61 = DG1). */
  tag: number;
  /** The data group number (1–16), or null for EF.COM and EF.SOD. */
  dataGroup: number | null;
}

const dataGroupTags = [
  0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70,
];

export const EF_COM: LdsFile = { name: 'EF.COM', fileId: 0x011e, sfi: 0x1e, tag: 0x60, dataGroup: null };
export const EF_SOD: LdsFile = { name: 'EF.SOD', fileId: 0x011d, sfi: 0x1d, tag: 0x77, dataGroup: null };

/** DG1 … DG16. */
export const DATA_GROUPS: readonly LdsFile[] = dataGroupTags.map((tag, index) => ({
  name: `DG${index + 1}`,
  fileId: 0x0101 + index,
  sfi: index + 1,
  tag,
  dataGroup: index + 1,
}));

export const LDS_FILES: readonly LdsFile[] = [EF_COM, ...DATA_GROUPS, EF_SOD];

export function dataGroupFile(dataGroup: number): LdsFile {
  const file = DATA_GROUPS[dataGroup - 1];
  if (!file) throw new RangeError(`There is no data group ${dataGroup}`);
  return file;
}

export function fileById(fileId: number): LdsFile | undefined {
  return LDS_FILES.find((file) => file.fileId === fileId);
}

export function fileByTag(tag: number): LdsFile | undefined {
  return LDS_FILES.find((file) => file.tag === tag);
}

export function fileByName(name: string): LdsFile | undefined {
  return LDS_FILES.find((file) => file.name === name);
}
