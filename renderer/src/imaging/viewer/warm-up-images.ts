/**
 * The tiny DICOM files the viewer draws while the worklist is shown (cornerstone-setup's
 * warmUpRendering), so that the first study's first image finds the decoding worker started and
 * the GPU's shaders compiled: 2×2 greyscale slices written by dcmjs, as a CT (signed, rescaled to
 * Hounsfield units, windowed) and as an MR (unsigned, no rescale) come from a modality. They go
 * through the same loader as a study's images (dicom-image-loader's wadouri path: worker, modality
 * LUT, VOI), since what vtk.js compiles depends on what that path makes of the pixels.
 */
import dcmjs from 'dcmjs';

const { DicomDict, DicomMetaDictionary } = dcmjs.data;

const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';

function slice(
  sopClassUid: string,
  sopInstanceUid: string,
  modality: string,
  pixels: Int16Array | Uint16Array,
  attributes: Record<string, unknown>,
): ArrayBuffer {
  const meta = DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClassUid,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: '2.25.208845062474618163126011532245839170001',
  });
  const dict = new DicomDict(meta);
  dict.dict = DicomMetaDictionary.denaturalizeDataset({
    SOPClassUID: sopClassUid,
    SOPInstanceUID: sopInstanceUid,
    Modality: modality,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: 2,
    Columns: 2,
    PixelSpacing: [1, 1],
    ImagePositionPatient: [0, 0, 0],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    ...attributes,
    PixelData: [pixels.buffer],
    _vrMap: { PixelData: 'OW' },
  });
  return dict.write();
}

/** The warm-up files, by the name their image ids carry. */
export function warmUpImages(): Map<string, ArrayBuffer> {
  return new Map([
    [
      'ct',
      slice(
        CT_IMAGE_STORAGE,
        '2.25.208845062474618163126011532245839170002',
        'CT',
        new Int16Array([0, 1000, 1064, 2024]),
        {
          PixelRepresentation: 1,
          RescaleIntercept: -1024,
          RescaleSlope: 1,
          WindowCenter: 40,
          WindowWidth: 80,
        },
      ),
    ],
    [
      'mr',
      slice(
        MR_IMAGE_STORAGE,
        '2.25.208845062474618163126011532245839170003',
        'MR',
        new Uint16Array([0, 400, 1200, 4000]),
        {
          PixelRepresentation: 0,
        },
      ),
    ],
  ]);
}
