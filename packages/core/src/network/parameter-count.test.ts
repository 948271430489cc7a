import { describe, expect, it } from 'vitest';
import { buildNetworkSpec } from './build-network-spec.js';
import { countTrainableParameters } from './build-network-spec.js';
import { parseModelName } from './presets.js';

// Every row of the table in shared/docs/ARCHITECTURES.md (measured with the PyTorch peer).
const table: Array<[string, number, number]> = [
  ['resnet-20', 272_410, 272_122],
  ['resnet-56', 855_706, 855_418],
  ['plain-20', 269_754, 269_466],
  ['procresnet-22', 295_418, 295_130],
  ['procresnet-58', 878_714, 878_426],
  ['resnet-164', 1_703_706, 1_703_418],
  ['resnet-1001', 10_328_154, 10_327_866],
  ['plain-164', 1_661_306, 1_661_018],
  ['procresnet-166', 1_715_018, 1_713_866],
  ['procresnet-274', 2_827_850, 2_826_698],
  ['procresnet-1003', 10_339_466, 10_338_314],
];

describe('trainable parameter counts equal the reference table', () => {
  it.each(table)('%s: %d (32×32×3), %d (28×28×1)', (model, cifar, mnist) => {
    const config = parseModelName(model);
    expect(countTrainableParameters(buildNetworkSpec({ ...config, inputShape: [32, 32, 3] }))).toBe(cifar);
    expect(countTrainableParameters(buildNetworkSpec({ ...config, inputShape: [28, 28, 1] }))).toBe(mnist);
  });
});
