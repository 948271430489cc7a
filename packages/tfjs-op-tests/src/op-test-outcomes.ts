/** What one run of tfjs's op tests on one setup gave: every spec's status, and failures outside specs. */
export interface OpTestOutcome {
  specs: Array<{ name: string; status: string; message?: string }>;
  suiteFailures: Array<{ name: string; message: string }>;
}

/**
 * Each spec under a name of its own: a few of tfjs's specs share their full name, so a repeat is
 * numbered ("… (2)") in the order the specs ran (jasmine runs them in file order, not randomised).
 */
export function namedSpecs(outcome: OpTestOutcome): Map<string, { status: string; message?: string }> {
  const named = new Map<string, { status: string; message?: string }>();
  for (const spec of outcome.specs) {
    let name = spec.name;
    for (let repeat = 2; named.has(name); repeat++) name = `${spec.name} (${repeat})`;
    named.set(name, spec);
  }
  return named;
}

const namesWith = (outcome: OpTestOutcome, status: string) => [...namedSpecs(outcome)].filter(([, spec]) => spec.status === status).map(([name]) => name);

export const passedSpecs = (outcome: OpTestOutcome) => new Set(namesWith(outcome, 'passed'));

/** The failed specs, each with its first error. */
export const failedSpecs = (outcome: OpTestOutcome) => [...namedSpecs(outcome)].filter(([, spec]) => spec.status === 'failed').map(([name, spec]) => `${name}: ${spec.message}`);

/** The specs the baseline (tfjs's own backend) passes and the plugin fails, each with the plugin's error. */
export function regressions(baseline: OpTestOutcome, plugin: OpTestOutcome): string[] {
  const ours = namedSpecs(plugin);
  return namesWith(baseline, 'passed')
    .filter((name) => ours.get(name)?.status !== 'passed')
    .map((name) => `${name}: ${ours.get(name)?.message ?? 'not run'}`);
}

/** The specs the plugin passes and the baseline fails. */
export function gains(baseline: OpTestOutcome, plugin: OpTestOutcome): string[] {
  const upstream = passedSpecs(baseline);
  return namesWith(plugin, 'passed').filter((name) => !upstream.has(name));
}

/** The names of all specs, sorted: two setups ran the same specs when these are equal. */
export const specNames = (outcome: OpTestOutcome) => [...namedSpecs(outcome).keys()].sort();

/** One line per setup for the test log: specs, passed, failed. */
export const outcomeLine = (label: string, outcome: OpTestOutcome) =>
  `${label}: ${outcome.specs.length} specs, ${namesWith(outcome, 'passed').length} passed, ${failedSpecs(outcome).length} failed`;
