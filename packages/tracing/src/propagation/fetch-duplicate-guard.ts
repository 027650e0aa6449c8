import diagnostics from 'node:diagnostics_channel';
import { log } from '../logger.js';

/**
 * Fetch auto-instrumentation (`@opentelemetry/instrumentation-undici`, and others on the same channel) adds its own
 * `traceparent` to every request, after the headers the app passed: with `injectTraceContext()` on the same request
 * the wire carries two, the server joins them into one comma-separated value, and the callee's HTTP
 * instrumentation cannot parse it (a new trace). This subscriber, registered after the instrumentation's (on the
 * first injection while it is subscribed), removes from a request that carries two `traceparent` headers the trace
 * headers added after the app's, so the callee continues the trace exactly where the app asked.
 */
const CHANNEL = 'undici:request:create';
const TRACE_HEADERS = new Set(['traceparent', 'tracestate']);

let subscribed = false;

const nameOf = (value: unknown): string => (typeof value === 'string' ? value.trim().toLowerCase() : '');

/**
 * In header order (the app's first, the instrumentation's appended): from the second `traceparent` on, every trace
 * header is the instrumentation's and goes. `names[i]` is the i-th header's lowercase name; returns those to drop.
 */
function droppedIndexes(names: readonly string[]): Set<number> {
  const dropped = new Set<number>();
  const first = names.indexOf('traceparent');
  const second = first < 0 ? -1 : names.indexOf('traceparent', first + 1);
  if (second < 0) return dropped;
  for (let i = second; i < names.length; i++) if (TRACE_HEADERS.has(names[i]!)) dropped.add(i);
  return dropped;
}

/** undici 6+: a flat `[name, value, name, value, …]` array, changed in place. */
function dedupeArray(headers: unknown[]): void {
  const names: string[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) names.push(nameOf(headers[i]));
  const dropped = droppedIndexes(names);
  for (let i = names.length - 1; i >= 0; i--) if (dropped.has(i)) headers.splice(i * 2, 2);
}

/** undici 5: raw `name: value\r\n` text. */
function dedupeText(headers: string): string {
  const lines = headers.split('\r\n');
  const dropped = droppedIndexes(lines.map((line) => nameOf(line.slice(0, Math.max(0, line.indexOf(':'))))));
  return dropped.size === 0 ? headers : lines.filter((_line, i) => !dropped.has(i)).join('\r\n');
}

function onRequestCreated(message: unknown): void {
  try {
    const request = (message as { request?: { headers?: unknown } } | undefined)?.request;
    if (request === undefined || request === null) return;
    if (Array.isArray(request.headers)) dedupeArray(request.headers);
    else if (typeof request.headers === 'string') request.headers = dedupeText(request.headers);
  } catch {
    // The request goes out as it was.
  }
}

/** Subscribes the guard once, when a fetch instrumentation is listening (it injects too). Never throws. */
export function guardFetchTraceHeaders(): void {
  if (subscribed) return;
  try {
    if (!diagnostics.hasSubscribers(CHANNEL)) return;
    diagnostics.subscribe(CHANNEL, onRequestCreated);
    subscribed = true;
    log.debug('fetch instrumentation detected: a request carrying injectTraceContext() headers keeps those, not a second traceparent');
  } catch {
    subscribed = true;
  }
}
