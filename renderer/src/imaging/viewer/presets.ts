/**
 * Window/level presets for CT, in Hounsfield units, with the keys 1–5 as OHIF binds its presets.
 */
export interface WindowPreset {
  id: 'brain' | 'lung' | 'bone' | 'abdomen' | 'mediastinum';
  key: string;
  width: number;
  center: number;
}

export const windowPresets: readonly WindowPreset[] = [
  { id: 'brain', key: '1', width: 80, center: 40 },
  { id: 'lung', key: '2', width: 1500, center: -600 },
  { id: 'bone', key: '3', width: 2500, center: 480 },
  { id: 'abdomen', key: '4', width: 400, center: 40 },
  { id: 'mediastinum', key: '5', width: 350, center: 50 },
];
