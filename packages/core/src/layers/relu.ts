import * as tf from '@tensorflow/tfjs-core';

export function relu<T extends tf.Tensor>(x: T): T {
  return tf.relu(x);
}
