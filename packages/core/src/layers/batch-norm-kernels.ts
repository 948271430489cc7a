/**
 * Optional backend kernels for training-mode batch norm. A backend that registers both (with
 * tfjs's `registerKernel`) gets them used by `batchNorm`; otherwise it is composed from tfjs ops.
 *
 * BATCH_NORM_TRAINING: inputs { x, gamma, beta } (x channels-last), attrs BatchNormTrainingAttrs
 * → [y, mean, variance] with the biased batch variance.
 * BATCH_NORM_TRAINING_GRAD: inputs { x, y, dy, mean, variance, gamma }, same attrs
 * → [dx, dgamma, dbeta]; with `relu`, y is the ReLU's output and masks dy.
 */
export const BATCH_NORM_TRAINING = 'ProcrustesBatchNormTraining';
export const BATCH_NORM_TRAINING_GRAD = 'ProcrustesBatchNormTrainingGrad';

export interface BatchNormTrainingAttrs {
  epsilon: number;
  relu: boolean;
}
