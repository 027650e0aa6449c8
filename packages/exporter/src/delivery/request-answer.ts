import type { ComponentLogger } from '../diagnostics/component-logger.js';
import type { EventOutcome } from './event-outcome.js';
import type { TransportResult } from './http/http-transport.js';
import { describeServerMessage } from './ingestion/ingestion-response.js';
import { RETRYABLE_STATUSES } from './http/retry-policy.js';
import { networkHint } from './http/network-hint.js';
import { RESPONSE_TOO_LARGE } from './http/response-limits.js';

/** What a whole-request answer means for everything in that request. */
export type RequestAnswer =
  | { kind: 'settled'; outcome: EventOutcome }
  /** 413: resend in halves. */
  | { kind: 'split' }
  /** 207: read the per-event results. */
  | { kind: 'multi-status'; body: string }
  /**
   * No readable answer (it passed its size cap): the server may or may not have stored the request. Resend it
   * where ids make that safe; otherwise settle with `outcome`.
   */
  | { kind: 'unknown'; outcome: EventOutcome };

/**
 * Whether a body is an HTML (or XML) page rather than Langfuse's JSON or an OTLP answer, judged by the body, not the
 * Content-Type, which proxies get wrong both ways. Judged by the tag, not a bare `<`: an OTLP protobuf answer may
 * begin with bytes that read as a newline and a `<`.
 */
function isMarkup(body: string): boolean {
  return /^\s*<(!doctype|html|head|body|\?xml)/i.test(body.length > 256 ? body.slice(0, 256) : body);
}

/** What to tell the user about a refusal, by status. */
const HINTS: Record<number, string> = {
  400: 'the server could not read the request',
  401: 'check LANGFUSE_PUBLIC_KEY / LANGFUSE_SECRET_KEY and that they belong to this Langfuse instance (organization-level keys are refused)',
  403: 'the project may have ingestion suspended (usage threshold) or the keys lack access',
  404: 'check LANGFUSE_BASE_URL: this server has no such endpoint',
  405: 'check LANGFUSE_BASE_URL: this server has no such endpoint',
  407: 'the HTTP proxy wants credentials: give them in the proxy URL (http://user:password@host:port)',
};

/**
 * Classifies a whole-request answer the same way for both paths, and says once per kind what went wrong.
 * `unit` names what the request carried ("events", "spans") for the messages.
 */
export function readRequestAnswer(
  result: TransportResult,
  request: { endpoint: string; count: number; unit: string; singleBytes?: number },
  log: ComponentLogger,
): RequestAnswer {
  const { endpoint, count, unit } = request;
  if (result.kind === 'error') {
    // The breaker logs its own state changes; a line per refused request would be a storm.
    if (result.reason === 'circuit-open') return { kind: 'settled', outcome: { kind: 'dropped', reason: 'circuit-open' } };
    if (result.reason === 'response-too-large') {
      log.once('warn', `response-too-large-${endpoint}`, `${endpoint} sent an answer too large to read (${result.message}); the request was aborted and whether its ${unit} were stored is unknown. Is a proxy or another server answering at this address?`);
      return { kind: 'unknown', outcome: { kind: 'dropped', reason: RESPONSE_TOO_LARGE } };
    }
    const reason = result.reason === 'network' ? `network-${result.code}` : result.reason;
    log.once('warn', `transport-${reason}`, `could not reach ${endpoint} (${result.code}: ${result.message}${networkHint(result.code, result.message)}); ${count} ${unit} dropped after retries`);
    return { kind: 'settled', outcome: { kind: 'dropped', reason } };
  }
  const { status } = result;
  if (status === 207) return { kind: 'multi-status', body: result.body };
  if (status >= 200 && status < 300) {
    if (!isMarkup(result.body)) return { kind: 'settled', outcome: { kind: 'accepted' } };
    // A captive portal or a proxy's page answers 200 with HTML: the request never reached Langfuse.
    log.once('warn', `html-2xx-${endpoint}`, `${endpoint} answered ${status} with an HTML page, not a Langfuse answer (a proxy or captive portal?): ${describeServerMessage(result.body)}; ${count} ${unit} not delivered`);
    return { kind: 'settled', outcome: { kind: 'dropped', reason: 'invalid-response' } };
  }
  if (status === 413) {
    if (count > 1) return { kind: 'split' };
    log.once('warn', `http-413-single-${endpoint}`, `${endpoint} refused a single item of ${request.singleBytes ?? '?'} bytes as too large (413); lower maxEventBytes`);
    return { kind: 'settled', outcome: { kind: 'rejected', reason: 'http-413' } };
  }
  if (RETRYABLE_STATUSES.includes(status) || status >= 500) {
    log.once('warn', `http-${status}-exhausted-${endpoint}`, `${endpoint} answered ${status} until the retries ran out: ${describeServerMessage(result.body)}`);
    return { kind: 'settled', outcome: { kind: 'dropped', reason: 'retries-exhausted' } };
  }
  const hint = HINTS[status] ?? (status >= 300 && status < 400 ? `redirected to ${String(result.headers.location)}: check LANGFUSE_BASE_URL` : 'unexpected answer');
  log.once('error', `http-${status}-${endpoint}`, `${endpoint} refused the request with ${status} (${describeServerMessage(result.body)}): ${hint}. Not retried.`);
  return { kind: 'settled', outcome: { kind: 'rejected', reason: `http-${status}` } };
}
