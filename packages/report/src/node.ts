// Node-only parts: reading run directories, writing figures (SVG and PNG through resvg) and reports.
export { readRunRecords } from './read-run-records.js';
export { writeRunReport, writeFigures } from './write-report.js';
export { renderPng, FIGURE_FONT_FILES } from './render-png.js';
