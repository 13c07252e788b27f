/**
 * Orientation markers: the patient direction (LPS: x+ Left, y+ Posterior, z+ Superior) a screen
 * direction points to, as up to three letters, strongest first (PS3.3 C.7.6.1.1.1), e.g. "L",
 * "AS". Shown only for images with ImageOrientationPatient.
 */
export type Vector3 = [number, number, number];

const letters: [positive: string, negative: string][] = [
  ['L', 'R'],
  ['P', 'A'],
  ['S', 'I'],
];

/** Components under this share of the vector are left out (an oblique of a few degrees shows one letter). */
const OBLIQUE_THRESHOLD = 0.25;

export function orientationLetters(vector: Vector3): string {
  const length = Math.hypot(...vector);
  if (!Number.isFinite(length) || length === 0) return '';
  return vector
    .map((component, axis) => ({ axis, value: component / length }))
    .filter(({ value }) => Math.abs(value) >= OBLIQUE_THRESHOLD)
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value))
    .map(({ axis, value }) => (letters[axis] as [string, string])[value > 0 ? 0 : 1])
    .join('');
}

export interface OrientationMarkers {
  top: string;
  bottom: string;
  left: string;
  right: string;
}

/** The markers for a view whose screen right and screen up point along these world directions. */
export function orientationMarkers(right: Vector3, up: Vector3): OrientationMarkers {
  const negate = (vector: Vector3): Vector3 => [-vector[0], -vector[1], -vector[2]];
  return {
    top: orientationLetters(up),
    bottom: orientationLetters(negate(up)),
    left: orientationLetters(negate(right)),
    right: orientationLetters(right),
  };
}
