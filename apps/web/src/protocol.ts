export interface Settings {
  family: 'resnet' | 'procresnet' | 'plain';
  n: number;
  width: number;
  probability: number;
  mode: 'procrustes' | 'clip';
  /** 'auto': WebGL where the browser has it, else WASM. */
  backend: 'auto' | 'webgl' | 'wasm';
}

export interface UnitInfo {
  index: number;
  kind: string;
  downsamples: boolean;
}

export type ToWorker = { kind: 'start'; settings: Settings } | { kind: 'pause' } | { kind: 'resume' } | { kind: 'reset' } | { kind: 'export' };

export type FromWorker =
  | { kind: 'ready'; model: string; units: UnitInfo[]; backend: string }
  | { kind: 'step'; step: number; epoch: number; loss: number; ratios: number[] }
  | { kind: 'epoch'; epoch: number; testAccuracy: number }
  | { kind: 'exported'; files: Array<{ name: string; type: string; data: ArrayBuffer | string }> }
  | { kind: 'error'; message: string };
