import { describeCaught, log } from '../logger.js';
import { currentSetup, type LangfuseHandle } from '../setup/setup-langfuse.js';
import type { FlushOptions } from '../setup/flush-options.js';
import { findWaitUntil, type WaitUntil } from './wait-until.js';

/** Options of {@link withLangfuseFlush}. */
export interface LangfuseFlushOptions {
  /** The setup to flush (what `setupLangfuse()` returned). Default: the most recent setup. */
  tracing?: Pick<LangfuseHandle, 'forceFlush'>;
  /**
   * Longest the flush may take, in milliseconds (default 2.5 s). With Langfuse down or hanging this is all a
   * request waits; what is not sent by then is counted in `stats()` and dead-lettered.
   */
  timeoutMs?: number;
  /**
   * The platform's `waitUntil`, when it cannot be found on its own: the flush then runs after the response is
   * returned. Found without help: a handler argument with a `waitUntil` method (Cloudflare Workers' `ctx`, the
   * `context` of Vercel Edge and Netlify functions) and Vercel's request context.
   */
  waitUntil?: WaitUntil;
}

/**
 * Wraps a serverless handler so the spans it produced are sent before the platform freezes or ends the process:
 * an AWS Lambda-style `(event, context) => Promise<result>` or a fetch-style `(request, ...) => Promise<Response>`.
 * When the platform offers `waitUntil`, the flush is handed to it and the response returns at once; otherwise the
 * flush runs (bounded by `timeoutMs`) before the result is returned or the error rethrown. Errors are the
 * handler's own: the flush never throws.
 * ```ts
 * const tracing = setupLangfuse();
 * export const handler = withLangfuseFlush(async (event) => langfuse.trace({ name: 'invoke' }, () => work(event)));
 * ```
 */
export function withLangfuseFlush<Args extends unknown[], Result>(
  handler: (...args: Args) => Result | Promise<Result>,
  options: LangfuseFlushOptions = {},
): (...args: Args) => Promise<Result> {
  return async function withFlush(this: unknown, ...args: Args): Promise<Result> {
    try {
      return await handler.apply(this, args);
    } finally {
      await flushAfter(args, options ?? {});
    }
  };
}

async function flushAfter(args: readonly unknown[], options: LangfuseFlushOptions): Promise<void> {
  const flushOptions: FlushOptions = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  let flush: Promise<void>;
  try {
    const tracing = options.tracing ?? currentSetup();
    if (!tracing) return;
    flush = tracing.forceFlush(flushOptions).catch((error: unknown) => log.debug(`withLangfuseFlush: ${describeCaught(error)}`));
  } catch (error) {
    log.debug(`withLangfuseFlush: ${describeCaught(error)}`);
    return;
  }
  const waitUntil = findWaitUntil(options.waitUntil, args);
  if (waitUntil) {
    try {
      waitUntil(flush);
      return;
    } catch (error) {
      // Outside a request (or a stub that refuses): wait here instead.
      log.debug(`withLangfuseFlush: waitUntil refused the flush (${describeCaught(error)}); flushing before returning`);
    }
  }
  await flush;
}
