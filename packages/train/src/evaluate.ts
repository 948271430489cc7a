import { forward, softmaxCrossEntropy, tf, type NetworkParameters, type NetworkSpec, countCorrect } from '@procrustes/core';
import { batchTensors, hostBatches, type ChannelStatistics, type ImageSet } from '@procrustes/data';

export interface Evaluation {
  loss: number;
  accuracy: number;
  count: number;
}

/** Loss and accuracy of the network in evaluation mode (running statistics) over a whole set. */
export async function evaluate(spec: NetworkSpec, parameters: NetworkParameters, set: ImageSet, statistics: ChannelStatistics, batchSize = 256): Promise<Evaluation> {
  let lossSum = 0;
  let correct = 0;
  for (const batch of hostBatches(set, { batchSize, statistics })) {
    const totals = tf.tidy(() => {
      const { inputs, labels } = batchTensors(batch, set.shape);
      const { logits } = forward(spec, parameters, inputs, { training: false });
      const loss = tf.mul(softmaxCrossEntropy(logits, labels), batch.size);
      const hits = countCorrect(logits, labels);
      return tf.stack([loss, hits]);
    });
    const [l, c] = await totals.data();
    totals.dispose();
    lossSum += l;
    correct += c;
  }
  return { loss: lossSum / set.count, accuracy: correct / set.count, count: set.count };
}
