/**
 * An error caused by what the user asked for (a bad option, shape, name or file), as
 * opposed to a fault of the program. Applications show its message without a stack trace.
 */
export class ProcrustesUsageError extends Error {
  override readonly name = 'ProcrustesUsageError';
}

export function usageError(message: string): ProcrustesUsageError {
  return new ProcrustesUsageError(message);
}

export function isUsageError(error: unknown): error is ProcrustesUsageError {
  return error instanceof Error && error.name === 'ProcrustesUsageError';
}
