/** A short description of anything thrown, for diagnostics; never throws itself (hostile getters, Proxies). */
export function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
    return typeof error === 'string' ? error.slice(0, 500) : typeof error;
  } catch {
    return 'an unreadable error';
  }
}
