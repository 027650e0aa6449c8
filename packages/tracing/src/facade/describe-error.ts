import { createSerializer } from '../values/serialize-value.js';

export interface ErrorInfo {
  type: string;
  message: string;
  stack: string | undefined;
}

const MAX_MESSAGE = 4_000;
/** A thrown non-Error (a plain object, say) is described by a short JSON excerpt, never serialized in full. */
const MAX_THROWN_JSON = 1_000;

function text(read: () => unknown): string | undefined {
  try {
    const value = read();
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Name, message and stack of anything thrown, read without ever throwing (getters of hostile errors may). */
export function describeError(error: unknown): ErrorInfo {
  if (typeof error === 'string') return { type: 'Error', message: error.slice(0, MAX_MESSAGE) || 'Error', stack: undefined };
  let isError = false;
  try {
    isError = error instanceof Error;
  } catch {
    // a Proxy whose getPrototypeOf trap throws
  }
  if (isError) {
    const type = text(() => (error as Error).name) || 'Error';
    const message = text(() => (error as Error).message) || type;
    return { type: type.slice(0, 200), message: message.slice(0, MAX_MESSAGE), stack: text(() => (error as Error).stack) };
  }
  const message = text(() => (error as { message?: unknown } | null)?.message) ?? createSerializer(MAX_THROWN_JSON).serialize(error) ?? String(typeof error);
  return { type: typeof error, message: message.slice(0, MAX_MESSAGE) || typeof error, stack: undefined };
}
