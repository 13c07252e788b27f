/** The face from DG2 as CardIdentity shows it: JPEG as is, JPEG 2000 converted to PNG. */
import type { CardIdentity } from '../card-identity';
import type { FaceImage } from './dg2';
import { decodeJpeg2000, encodePng } from './jpeg2000';

export type FacePhoto = NonNullable<CardIdentity['photo']>;

export async function faceForDisplay(face: FaceImage): Promise<FacePhoto> {
  if (face.mediaType === 'image/jpeg')
    return { mediaType: 'image/jpeg', base64: Buffer.from(face.data).toString('base64') };
  const png = encodePng(await decodeJpeg2000(face.data));
  return { mediaType: 'image/png', base64: Buffer.from(png).toString('base64') };
}
