import { canonicalJson } from './canonical-json.js';

/** A field where two configs differ: its path (`network.width` for a nested one) and both values as canonical JSON. */
export interface ConfigDifference {
  field: string;
  was: string;
  now: string;
}

/**
 * The fields where a config as made (a run's config.json, a study summary's) differs from one as
 * now given, compared as canonical JSON. `ignored` names top-level fields left out (epochs, which
 * may grow; what a run adds when it starts). The one comparison of configs: resume's
 * contradictions and studies' definitions.
 */
export function configDifferences(made: object, given: object, ignored: readonly string[] = [], prefix = ''): ConfigDifference[] {
  const differences: ConfigDifference[] = [];
  const keys = new Set([...Object.keys(made), ...Object.keys(given)]);
  for (const key of [...keys].sort()) {
    if (prefix === '' && ignored.includes(key)) continue;
    const now = (given as Record<string, unknown>)[key];
    const was = (made as Record<string, unknown>)[key];
    if (canonicalJson(was) === canonicalJson(now)) continue;
    if (now && typeof now === 'object' && !Array.isArray(now) && was && typeof was === 'object' && !Array.isArray(was)) {
      differences.push(...configDifferences(was, now, [], `${prefix}${key}.`));
      continue;
    }
    differences.push({ field: `${prefix}${key}`, was: was === undefined ? 'unset' : canonicalJson(was), now: canonicalJson(now) });
  }
  return differences;
}

/** `field (was X, now Y); …`: differences as a message names them. */
export const describeDifferences = (differences: ConfigDifference[]): string => differences.map((d) => `${d.field} (was ${d.was}, now ${d.now})`).join('; ');
