/** What every tab of the chart receives (renderer/src/chart/ChartScreen.tsx lays them out). */
export interface ChartTabProps {
  patientId: string;
  /** The tab is the one shown: load on first activation, keep state while hidden. */
  active: boolean;
  /** Something the tab wrote changed the chart: the summary and the timeline reload. */
  onChanged: () => void;
}
