import * as echarts from 'echarts';
import { mergedColumnsPanel, ratioHeatmapOption, unitLabel } from '@procrustes/report';
import type { FromWorker, Settings, ToWorker, UnitInfo } from './protocol.js';

const worker = new Worker(new URL('./training-worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker) => worker.postMessage(message);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('status');
const buttons = { start: $<HTMLButtonElement>('start'), pause: $<HTMLButtonElement>('pause'), reset: $<HTMLButtonElement>('reset'), export: $<HTMLButtonElement>('export') };

const heatmap = echarts.init($('heatmap'), undefined, { renderer: 'svg' });
const ratioChart = echarts.init($('ratios'), undefined, { renderer: 'svg' });
const lossChart = echarts.init($('loss'), undefined, { renderer: 'svg' });
window.addEventListener('resize', () =>
  [heatmap, ratioChart, lossChart].forEach((c) => {
    c.resize();
  }),
);

/** The heatmap's column budget: enough to see every phase of training, few enough to draw in a frame. */
const HEATMAP_COLUMNS = 240;

let units: UnitInfo[] = [];
/** Per step: the training step, its loss and log₂ r of every unit. */
let steps: number[] = [];
let losses: number[] = [];
let logRatios: number[][] = [];
let unitsWithData = new Set<number>();
let statusText = '';
let paused = false;
let drawScheduled = false;

/** Steps can arrive faster than the charts draw: the worker's messages only record, and one draw per frame shows them. */
function scheduleDraw(): void {
  if (drawScheduled) return;
  drawScheduled = true;
  requestAnimationFrame(() => {
    drawScheduled = false;
    if (steps.length) draw();
    showStatus();
  });
}

function clearRecords(): void {
  steps = [];
  losses = [];
  logRatios = [];
  unitsWithData = new Set();
}

function drawEmpty(): void {
  heatmap.setOption({ title: { text: 'press Start', left: 'center', top: 'middle', textStyle: { color: '#999' } } }, true);
  ratioChart.clear();
  lossChart.clear();
}

function draw(): void {
  // The reports' own heatmap and colour scale, over merged columns.
  const { option } = ratioHeatmapOption([mergedColumnsPanel(steps, logRatios, HEATMAP_COLUMNS, units.map(unitLabel), 'log₂ gradient norm ratio per unit and step')]);
  heatmap.setOption({ animation: false, ...option }, true);
  const last = (logRatios.at(-1) ?? []).map((value) => 2 ** value);
  ratioChart.setOption(
    {
      animation: false,
      title: { text: 'ratio per unit (latest step)', left: 'center', textStyle: { fontSize: 13 } },
      grid: { left: 45, right: 15, top: 35, bottom: 30 },
      xAxis: { type: 'category', data: units.map(unitLabel) },
      yAxis: { type: 'value', scale: true },
      series: [
        { type: 'line', data: last, name: 'ratio' },
        { type: 'line', data: units.map(() => 1), symbol: 'none', lineStyle: { type: 'dashed', color: '#888' } },
      ],
    },
    true,
  );
  lossChart.setOption(
    {
      animation: false,
      title: { text: 'training loss', left: 'center', textStyle: { fontSize: 13 } },
      grid: { left: 45, right: 15, top: 35, bottom: 30 },
      xAxis: { type: 'value', name: 'step', min: 'dataMin', max: 'dataMax' },
      yAxis: { type: 'value', scale: true },
      series: [{ type: 'line', data: steps.map((step, i) => [step, losses[i]]), showSymbol: false, sampling: 'lttb' }],
    },
    true,
  );
}

function settings(): Settings {
  const form = new FormData($<HTMLFormElement>('controls'));
  const number = (name: string, min: number, max: number) => Math.min(max, Math.max(min, Number(form.get(name)) || min));
  return {
    family: form.get('family') as Settings['family'],
    n: number('n', 1, 9),
    width: number('width', 2, 16),
    probability: number('probability', 0, 1),
    mode: form.get('mode') as Settings['mode'],
    backend: (form.get('backend') as Settings['backend']) ?? 'auto',
  };
}

function setStatus(text: string): void {
  statusText = text;
  scheduleDraw();
}

/** The status line and, for tests and scripts, what has been drawn (data attributes). */
function showStatus(): void {
  status.textContent = statusText;
  status.dataset.steps = String(steps.length);
  status.dataset.units = String(units.length);
  status.dataset.unitsWithData = String(unitsWithData.size);
  status.dataset.loss = losses.length ? String(losses[losses.length - 1]) : '';
  status.dataset.firstLoss = losses.length ? String(losses[0]) : '';
}

buttons.start.addEventListener('click', () => {
  units = [];
  clearRecords();
  paused = false;
  setStatus('Loading the data and the backend…');
  send({ kind: 'start', settings: settings() });
  buttons.pause.disabled = false;
  buttons.pause.textContent = 'Pause';
  buttons.export.disabled = false;
});
buttons.pause.addEventListener('click', () => {
  paused = !paused;
  send({ kind: paused ? 'pause' : 'resume' });
  buttons.pause.textContent = paused ? 'Resume' : 'Pause';
});
buttons.reset.addEventListener('click', () => {
  send({ kind: 'reset' });
  units = [];
  clearRecords();
  buttons.pause.disabled = true;
  buttons.export.disabled = true;
  drawEmpty();
  setStatus('Ready.');
});
buttons.export.addEventListener('click', () => send({ kind: 'export' }));

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  switch (message.kind) {
    case 'ready':
      units = message.units;
      $('backend').textContent = message.backend;
      setStatus(`${message.model} on ${message.backend}: training…`);
      break;
    case 'step':
      steps.push(message.step);
      losses.push(message.loss);
      logRatios.push(
        message.ratios.map((r, unit) => {
          const value = Math.log2(r);
          if (Number.isFinite(value)) unitsWithData.add(unit);
          return value;
        }),
      );
      setStatus(`step ${message.step + 1}, epoch ${message.epoch + 1}: loss ${message.loss.toFixed(4)}`);
      break;
    case 'epoch':
      setStatus(`epoch ${message.epoch} done: test accuracy ${(100 * message.testAccuracy).toFixed(1)} % (200 images)`);
      break;
    case 'exported':
      for (const file of message.files) {
        const link = document.createElement('a');
        link.href = URL.createObjectURL(new Blob([file.data], { type: file.type }));
        link.download = file.name;
        link.click();
        setTimeout(() => URL.revokeObjectURL(link.href), 1000);
      }
      break;
    case 'error':
      console.error(message.message);
      setStatus(`Error: ${message.message}`);
      break;
  }
};
drawEmpty();
