import type { ChartTabProps } from '../chart/chart-tab';

// Replaced by the feature's own tab (issue 5).
export function LabsTab(_props: ChartTabProps) {
  return null;
}
