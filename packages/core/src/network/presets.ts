import { usageError } from '../errors.js';
import { depthForms, unitsPerStageForDepth } from './depth.js';
import { FAMILIES, type BlockKind, type Family, type NetworkConfig } from './spec.js';

export interface ModelPreset {
  name: string;
  family: Family;
  block: BlockKind;
  n: number;
}

/** The named models of the paper. */
export const MODEL_PRESETS: readonly ModelPreset[] = [
  { name: 'resnet-20', family: 'resnet', block: 'basic', n: 3 },
  { name: 'resnet-56', family: 'resnet', block: 'basic', n: 9 },
  { name: 'resnet-110', family: 'resnet', block: 'basic', n: 18 },
  { name: 'resnet-164', family: 'resnet', block: 'bottleneck', n: 18 },
  { name: 'resnet-272', family: 'resnet', block: 'bottleneck', n: 30 },
  { name: 'resnet-632', family: 'resnet', block: 'bottleneck', n: 70 },
  { name: 'resnet-1001', family: 'resnet', block: 'bottleneck', n: 111 },
  { name: 'plain-20', family: 'plain', block: 'basic', n: 3 },
  { name: 'plain-56', family: 'plain', block: 'basic', n: 9 },
  { name: 'plain-164', family: 'plain', block: 'bottleneck', n: 18 },
  { name: 'procresnet-22', family: 'procresnet', block: 'basic', n: 3 },
  { name: 'procresnet-58', family: 'procresnet', block: 'basic', n: 9 },
  { name: 'procresnet-112', family: 'procresnet', block: 'basic', n: 18 },
  { name: 'procresnet-166', family: 'procresnet', block: 'bottleneck', n: 18 },
  { name: 'procresnet-274', family: 'procresnet', block: 'bottleneck', n: 30 },
  { name: 'procresnet-634', family: 'procresnet', block: 'bottleneck', n: 70 },
  { name: 'procresnet-1003', family: 'procresnet', block: 'bottleneck', n: 111 },
];

/** Depth at and above which a bare `family-depth` name means bottleneck units, as in the paper. */
const BOTTLENECK_FROM_DEPTH = 164;

/**
 * Resolves a model name: a preset (`resnet-164`), any depth of a family's form
 * (`procresnet-40`), optionally with the block spelled out (`resnet-164-basic`).
 */
export function parseModelName(name: string): Pick<NetworkConfig, 'family' | 'block' | 'n'> {
  const preset = MODEL_PRESETS.find((p) => p.name === name);
  if (preset) return { family: preset.family, block: preset.block, n: preset.n };
  const match = /^([a-z]+)-(\d+)(?:-(basic|bottleneck))?$/.exec(name);
  const presetList = MODEL_PRESETS.map((p) => p.name).join(', ');
  if (!match) {
    throw usageError(`unknown model '${name}': use FAMILY-DEPTH[-basic|-bottleneck] with FAMILY one of ${FAMILIES.join(', ')}, e.g. one of ${presetList}`);
  }
  const family = match[1] as Family;
  if (!FAMILIES.includes(family)) {
    throw usageError(`unknown family '${match[1]}' in model '${name}': choose one of ${FAMILIES.join(', ')}`);
  }
  const depth = Number(match[2]);
  const blocks: BlockKind[] = match[3] ? [match[3] as BlockKind] : depth >= BOTTLENECK_FROM_DEPTH ? ['bottleneck', 'basic'] : ['basic', 'bottleneck'];
  for (const block of blocks) {
    const n = unitsPerStageForDepth(family, block, depth);
    if (n !== undefined) return { family, block, n };
  }
  throw usageError(`depth ${depth} is not of the form ${match[3] ? `for ${match[3]} units of ` : ''}${family}: ${depthForms(family)} with n ≥ 1`);
}
