import { EventEmitter } from 'node:events';
import { context, type Context } from '@opentelemetry/api';
import { safeRead } from '../values/safe-read.js';
import type { TraceCarrier } from './carrier.js';
import { extractTraceContext } from './trace-context.js';

/** What the helpers read from a request: node:http's `IncomingMessage`, Express's `req`, Fastify's `request.raw`, Koa's `ctx.req`. */
export interface IncomingRequestLike {
  headers?: unknown;
}

/**
 * The request's listeners (e.g. a body parser's 'data'/'end') run in the continued context too: an emitter
 * calls listeners in the context of whoever emits, which for a request is the connection's, not the handler's.
 */
function bindEmitters(continued: Context, ...emitters: unknown[]): void {
  for (const emitter of emitters) {
    if (emitter instanceof EventEmitter) {
      try {
        context.bind(continued, emitter);
      } catch {
        // listeners then run in their emitter's context, as without the helper
      }
    }
  }
}

function continuedContext(request: unknown): Context {
  return extractTraceContext(safeRead(request, 'headers') as TraceCarrier | undefined);
}

/**
 * Runs `fn` (the request handler) in the caller's trace, read from the request's headers:
 * `http.createServer((req, res) => continueTrace(req, () => handle(req, res)))`;
 * Koa: `app.use((ctx, next) => continueTrace(ctx.req, next))`;
 * Fastify: `(request, reply) => continueTrace(request.raw, () => handler(request, reply))`.
 */
export function continueTrace<T>(request: IncomingRequestLike, fn: () => T): T {
  const continued = continuedContext(request);
  bindEmitters(continued, request);
  return context.with(continued, fn);
}

/**
 * Connect/Express middleware: the rest of the chain runs in the caller's trace.
 * `app.use(langfuseMiddleware())`, before the routes and body parsers.
 */
export function langfuseMiddleware(): (request: IncomingRequestLike, response: unknown, next: (error?: unknown) => void) => void {
  return (request, response, next) => {
    const continued = continuedContext(request);
    bindEmitters(continued, request, response);
    context.with(continued, next);
  };
}
