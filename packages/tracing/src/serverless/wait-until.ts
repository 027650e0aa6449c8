/** A platform's way to keep an invocation alive for work that continues after its response was sent. */
export type WaitUntil = (promise: Promise<unknown>) => void;

interface WaitUntilHolder {
  waitUntil(promise: Promise<unknown>): void;
}

/** Vercel (Node and Edge functions, Next.js on Vercel) publishes the request's context under this symbol. */
const VERCEL_REQUEST_CONTEXT = Symbol.for('@vercel/request-context');

interface VercelRequestContextReader {
  get?: () => { waitUntil?: unknown } | undefined;
}

function holdsWaitUntil(value: unknown): value is WaitUntilHolder {
  return typeof value === 'object' && value !== null && typeof (value as Partial<WaitUntilHolder>).waitUntil === 'function';
}

/**
 * The `waitUntil` of this invocation: one given by the caller, else a handler argument that has one (Cloudflare
 * Workers' `ctx`, the `context` of Vercel Edge and Netlify functions), else Vercel's request context. Called as a
 * method of its holder: Cloudflare's throws when detached.
 */
export function findWaitUntil(given: WaitUntil | undefined, handlerArgs: readonly unknown[]): WaitUntil | undefined {
  if (given) return given;
  // The first argument is the request or event itself, never the context.
  const holder = handlerArgs.slice(1).find(holdsWaitUntil);
  if (holder) return (promise) => holder.waitUntil(promise);
  try {
    const reader = (globalThis as Record<symbol, unknown>)[VERCEL_REQUEST_CONTEXT] as VercelRequestContextReader | undefined;
    const context = reader?.get?.();
    if (holdsWaitUntil(context)) return (promise) => context.waitUntil(promise);
  } catch {
    // A platform object that misbehaves means no waitUntil, never a failed request.
  }
  return undefined;
}
