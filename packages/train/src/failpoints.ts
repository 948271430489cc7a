/**
 * Failpoints for fault-injection tests: `PROCRUSTES_FAILPOINTS=checkpoint-write` makes the
 * named operation fail as a full disk would (ENOSPC); `before-checkpoint-N` fails between
 * epoch N's records and its checkpoint, as a crash there would; `kill:NAME` (killpoint) kills
 * the process at a named point. Unset in normal use, where these are no-ops.
 */
export function failpoint(name: string): void {
  if (activeFailpoints().includes(name)) {
    const error = new Error(`ENOSPC: no space left on device (failpoint '${name}')`) as NodeJS.ErrnoException;
    error.code = 'ENOSPC';
    throw error;
  }
}

/** `PROCRUSTES_FAILPOINTS=kill:NAME` kills the process with SIGKILL at the named point, as a crash there would. */
export function killpoint(name: string): void {
  if (activeFailpoints().includes(`kill:${name}`)) process.kill(process.pid, 'SIGKILL');
}

const activeFailpoints = () => (process.env.PROCRUSTES_FAILPOINTS ?? '').split(',').map((s) => s.trim());
