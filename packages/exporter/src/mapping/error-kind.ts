/**
 * The class name of anything thrown (e.g. `TypeError`), never its message: a mask's or a span's error message may
 * carry the very data that must not leak. Never throws, even on a hostile error object.
 */
export function errorKind(error: unknown): string {
  try {
    return error instanceof Error ? String(error.name).slice(0, 40) : typeof error;
  } catch {
    return 'error';
  }
}
