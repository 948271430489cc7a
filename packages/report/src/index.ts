// Figures and the report page from a run's records: browser-safe (ECharts renders SVG strings
// anywhere). Reading run directories and writing SVG/PNG files is in '@procrustes/report/node'.
export {
  parseRunRecords,
  parseJsonLines,
  type RunRecords,
  type EpochRecord,
  type ProbeRecord,
  type SpectrumRecord,
} from './run-records.js';
export { renderSvg, heatmapFigure, ratioPerUnitFigure, trainingCurvesFigure, spectraFigure, type Figure } from './charts.js';
export { reportHtml, figuresOf } from './report-html.js';
