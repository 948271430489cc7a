import type { EpochMetrics } from './run-config.js';

export interface StepProgress {
  kind: 'step';
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
  accuracy: number;
  learningRate: number;
  imagesPerSecond: number;
}

export interface EpochProgress {
  kind: 'epoch';
  metrics: EpochMetrics;
  epochs: number;
}
