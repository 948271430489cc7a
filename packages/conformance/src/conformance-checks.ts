import { activateBackend, buildNetworkSpec, tf, type BackendPlugin, type Family, type NetworkSpec } from '@procrustes/core';
import { assertClose, type NamedValues } from './compare.js';
import { sgdStep, unitForwardAndGradients } from './computations.js';
import { unitCases } from './fixtures.js';

export interface ConformanceCheck {
  name: string;
  /** Throws with a message naming what differs; resolves when the backend conforms. */
  run(): Promise<void>;
}

export interface ConformanceOptions {
  /** The backend under test; it must already be registered with `registerBackendPlugin`. */
  backend: BackendPlugin;
  /** The reference backend (the CPU plugin), also registered. */
  reference: BackendPlugin;
  /** Relative L2 tolerance per tensor (default 1e-4). */
  tolerance?: number;
}

/** Runs `compute` on the reference backend and on the backend under test, and compares. */
async function compareBackends(options: ConformanceOptions, what: string, compute: () => Promise<NamedValues>): Promise<void> {
  await activateBackend(options.reference.name);
  const expected = await compute();
  await activateBackend(options.backend.name);
  const actual = await compute();
  assertClose(actual, expected, options.tolerance ?? 1e-4, what);
}

/** Runs `compute` twice on the backend under test and checks that no tensor or buffer survives. */
async function assertNoLeaks(options: ConformanceOptions, what: string, compute: () => Promise<unknown>): Promise<void> {
  await activateBackend(options.backend.name);
  await compute(); // warm-up: kernels may allocate lasting state on first use
  const before = tf.memory();
  await compute();
  const after = tf.memory();
  if (after.numTensors !== before.numTensors || after.numDataBuffers !== before.numDataBuffers) {
    throw new Error(
      `${what} leaks on '${options.backend.name}': tensors ${before.numTensors} → ${after.numTensors}, ` + `data buffers ${before.numDataBuffers} → ${after.numDataBuffers}`,
    );
  }
}

const smallNetwork = (family: Family): NetworkSpec => buildNetworkSpec({ family, block: 'basic', n: 1, width: 4, inputShape: [8, 8, 3], classes: 5 });

/** Every check of the kit, for a test runner to wrap (each is independent). */
export function backendConformanceChecks(options: ConformanceOptions): ConformanceCheck[] {
  const checks: ConformanceCheck[] = [];
  for (const unitCase of unitCases()) {
    checks.push({
      name: `forward and gradient parity: ${unitCase.name}`,
      run: () => compareBackends(options, unitCase.name, () => unitForwardAndGradients(unitCase)),
    });
  }
  for (const family of ['resnet', 'plain', 'procresnet'] as const) {
    const network = smallNetwork(family);
    checks.push({
      name: `one SGD step parity: ${network.name} (w=4, 8×8×3)`,
      run: () => compareBackends(options, `SGD step of ${network.name}`, () => sgdStep(network, 4)),
    });
  }
  checks.push({
    name: 'no tensor leaks: SGD steps of every family',
    run: async () => {
      for (const family of ['resnet', 'plain', 'procresnet'] as const) {
        const network = smallNetwork(family);
        await assertNoLeaks(options, `an SGD step of ${network.name}`, () => sgdStep(network, 2));
      }
    },
  });
  checks.push({
    name: 'no tensor leaks: unit forward and backward of every kind',
    run: async () => {
      for (const unitCase of unitCases()) await assertNoLeaks(options, unitCase.name, () => unitForwardAndGradients(unitCase));
    },
  });
  return checks;
}
