/** The part of dcmjs (no types of its own) the tag browser uses: the DICOM data dictionary. */
declare module 'dcmjs' {
  interface DictionaryEntry {
    tag: string;
    vr: string;
    vm: string;
    name: string;
  }
  const dcmjs: {
    data: { DicomMetaDictionary: { dictionary: Record<string, DictionaryEntry | undefined> } };
  };
  export default dcmjs;
}
