/**
 * Failpoints for fault-injection tests: `PROCRUSTES_FAILPOINTS=checkpoint-write` makes the
 * named operation fail as a full disk would (ENOSPC); `before-checkpoint-N` fails between
 * epoch N's records and its checkpoint, as a crash there would. Unset in normal use, where
 * this is a no-op.
 */
export function failpoint(name: string): void {
  const active = (process.env.PROCRUSTES_FAILPOINTS ?? '').split(',').map((s) => s.trim());
  if (active.includes(name)) {
    const error = new Error(`ENOSPC: no space left on device (failpoint '${name}')`) as NodeJS.ErrnoException;
    error.code = 'ENOSPC';
    throw error;
  }
}
