import { buildNetworkSpec, createRandomState, fillNormal, initialParameterValues, type NetworkConfig, type NetworkSpec, type UnitSpec } from '@procrustes/core';

/** A unit to check, taken from a small network so that it has real weight names and sizes. */
export interface UnitCase {
  name: string;
  network: NetworkSpec;
  unit: UnitSpec;
}

const small = (config: Pick<NetworkConfig, 'family' | 'block'>): NetworkSpec => buildNetworkSpec({ ...config, n: 2, width: 4, inputShape: [8, 8, 3], classes: 10 });

/** One case per unit kind: identity and projection residual units of both blocks, plain units, a transition. */
export function unitCases(): UnitCase[] {
  const basic = small({ family: 'resnet', block: 'basic' });
  const bottleneck = small({ family: 'resnet', block: 'bottleneck' });
  const plainBasic = small({ family: 'plain', block: 'basic' });
  const plainBottleneck = small({ family: 'plain', block: 'bottleneck' });
  const proc = small({ family: 'procresnet', block: 'basic' });
  const pick = (network: NetworkSpec, predicate: (u: UnitSpec) => boolean, name: string): UnitCase => {
    const unit = network.units.find(predicate);
    if (!unit) throw new Error(`no unit for case ${name}`);
    return { name, network, unit };
  };
  return [
    pick(basic, (u) => u.shortcut === 'identity', 'basic residual, identity shortcut'),
    pick(basic, (u) => u.shortcut === 'projection' && u.stride === 2, 'basic residual, projection shortcut, stride 2'),
    pick(bottleneck, (u) => u.shortcut === 'identity', 'bottleneck residual, identity shortcut'),
    pick(bottleneck, (u) => u.shortcut === 'projection' && u.stride === 1, 'bottleneck residual, projection shortcut, stride 1'),
    pick(bottleneck, (u) => u.shortcut === 'projection' && u.stride === 2, 'bottleneck residual, projection shortcut, stride 2'),
    pick(plainBasic, (u) => u.stride === 2, 'basic plain unit, stride 2'),
    pick(plainBottleneck, (u) => u.stride === 1 && u.index > 0, 'bottleneck plain unit'),
    pick(proc, (u) => u.kind === 'transition', 'procresnet transition (1×1, stride 2)'),
    pick(proc, (u) => u.kind === 'residual', 'procresnet residual unit'),
  ];
}

/** Host values of a network's parameters; BN statistics and scales are perturbed so they matter. */
export function parameterValues(network: NetworkSpec, seed: number): Map<string, Float32Array> {
  const { values, state } = initialParameterValues(network, seed);
  let s = state;
  for (const p of network.parameters) {
    if (p.initializer === 'he-normal' || p.initializer === 'dense-uniform') continue;
    const noise = new Float32Array(values.get(p.name)!.length);
    s = fillNormal(s, noise, 0.1);
    const v = values.get(p.name)!;
    for (let i = 0; i < v.length; i++) v[i] = p.name.endsWith('variance') ? v[i] + Math.abs(noise[i]) : v[i] + noise[i];
  }
  return values;
}

export function randomValues(size: number, seed: number, std = 1): Float32Array {
  const out = new Float32Array(size);
  fillNormal(createRandomState(seed), out, std);
  return out;
}

export function randomLabels(count: number, classes: number, seed: number): Int32Array {
  const u = new Float32Array(count);
  fillNormal(createRandomState(seed), u);
  return Int32Array.from(u, (v, i) => (Math.abs(Math.floor(v * 1000)) + i) % classes);
}
