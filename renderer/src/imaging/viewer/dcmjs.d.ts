/**
 * The part of dcmjs (no types of its own) the viewer uses: the DICOM data dictionary (the tag
 * browser) and writing a data set as a DICOM file (the rendering warm-up's tiny images).
 */
declare module 'dcmjs' {
  interface DictionaryEntry {
    tag: string;
    vr: string;
    vm: string;
    name: string;
  }
  /** A data set in dcmjs's "denaturalized" form (by tag), as DicomDict holds it. */
  type DenaturalizedDataset = Record<string, unknown>;
  interface DicomDict {
    dict: DenaturalizedDataset;
    /** The DICOM Part 10 file (preamble, meta information, data set). */
    write(): ArrayBuffer;
  }
  const dcmjs: {
    data: {
      DicomDict: new (meta: DenaturalizedDataset) => DicomDict;
      DicomMetaDictionary: {
        dictionary: Record<string, DictionaryEntry | undefined>;
        /** Attributes by keyword (PixelData as [ArrayBuffer], VRs not in the dictionary in `_vrMap`) to by tag. */
        denaturalizeDataset(dataset: Record<string, unknown>): DenaturalizedDataset;
      };
    };
  };
  export default dcmjs;
}
