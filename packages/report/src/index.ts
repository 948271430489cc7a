// Figures and the report page from a run's records: browser-safe (ECharts renders SVG strings
// anywhere). Reading run directories and writing SVG/PNG files is in '@procrustes/report/node'.
export { parseRunRecords, type RunRecords, type EpochRecord, type ProbeRecord, type SpectrumRecord } from './run-records.js';
export { renderSvg, heatmapFigure, probeRecordsPanel, unitLabel, ratioPerUnitFigure, trainingCurvesFigure, spectraFigure, type Figure } from './charts.js';
export {
  ratioHeatmapOption,
  ratioScaleBound,
  ratioCell,
  probedRunPanel,
  type ProbedRun,
  RATIO_PALETTE,
  RATIO_SCALE_MINIMUM,
  RATIO_SCALE_MAXIMUM,
  type RatioHeatmapPanel,
  type ChartOption,
} from './ratio-heatmap.js';
export { heatmapColumns, mergedColumnsPanel, type HeatmapColumn } from './heatmap-columns.js';
export { reportHtml, figuresOf } from './report-html.js';
