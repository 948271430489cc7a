import { describe, expect, it } from 'vitest';
import { buildNetworkSpec } from './build-network-spec.js';
import { MODEL_PRESETS, parseModelName } from './presets.js';

describe('model names', () => {
  it('every preset builds a network of the depth in its name', () => {
    for (const preset of MODEL_PRESETS) {
      expect(buildNetworkSpec(parseModelName(preset.name)).name).toBe(preset.name);
    }
  });

  it('accepts any depth of a family form and an explicit block', () => {
    expect(parseModelName('resnet-38')).toEqual({ family: 'resnet', block: 'basic', n: 6 });
    expect(parseModelName('procresnet-40')).toEqual({ family: 'procresnet', block: 'basic', n: 6 });
    expect(parseModelName('resnet-164-basic')).toEqual({ family: 'resnet', block: 'basic', n: 27 });
    expect(parseModelName('resnet-29')).toEqual({ family: 'resnet', block: 'bottleneck', n: 3 });
  });

  it('explains names that are not of a family form', () => {
    expect(() => parseModelName('resnet-21')).toThrow(/depth 21 is not of the form .*6n\+2 \(basic\) or 9n\+2/);
    expect(() => parseModelName('procresnet-20')).toThrow(/6n\+4 \(basic\) or 9n\+4/);
    expect(() => parseModelName('vgg-16')).toThrow(/unknown family 'vgg'/);
    expect(() => parseModelName('resnet')).toThrow(/FAMILY-DEPTH/);
  });
});
