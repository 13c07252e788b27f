/**
 * The chart's tabs in order, each with the key that reaches it with Alt+Shift: the digit row,
 * read by its physical position (KeyboardEvent.code), so AZERTY, QWERTY and Arabic keyboards
 * all reach the same tab with the key marked on screen.
 */
export const chartTabIds = [
  'summary',
  'timeline',
  'visit',
  'vitals',
  'problems',
  'allergies',
  'medications',
  'labs',
  'immunizations',
  'referrals',
  'appointments',
  'documents',
  'imaging',
] as const;
export type ChartTabId = (typeof chartTabIds)[number];

const keys: [key: string, code: string][] = [
  ['1', 'digit1'],
  ['2', 'digit2'],
  ['3', 'digit3'],
  ['4', 'digit4'],
  ['5', 'digit5'],
  ['6', 'digit6'],
  ['7', 'digit7'],
  ['8', 'digit8'],
  ['9', 'digit9'],
  ['0', 'digit0'],
  ['-', 'minus'],
  ['=', 'equal'],
  // Past the digit row: I for Imaging (the physical key, whatever the layout prints on it).
  ['I', 'i'],
];

export interface ChartTabEntry {
  id: ChartTabId;
  /** The key as shown (Kbd) and announced (aria-keyshortcuts). */
  key: string;
  /** The key's physical code for the hotkey (Mantine's `usePhysicalKeys`). */
  code: string;
  /** The first tab of a group (the features beyond the chart's own): a separator before it. */
  first: boolean;
}

export const chartTabs: ChartTabEntry[] = chartTabIds.map((id, index) => {
  const [key, code] = keys[index] as [string, string];
  return { id, key, code, first: id === 'medications' };
});
