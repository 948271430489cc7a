export { readRunRecords, type RunRecords, type EpochRecord, type ProbeRecord, type SpectrumRecord } from './run-records.js';
export { renderSvg, heatmapFigure, ratioPerUnitFigure, trainingCurvesFigure, spectraFigure, type Figure } from './charts.js';
export { writeRunReport, writeFigures, reportHtml, figuresOf } from './write-report.js';
