import type { CircuitBreaker, RequestVerdict } from './circuit-breaker.js';
import type { RequestSender, SendOptions, TransportResult } from './http-transport.js';
import { RETRYABLE_STATUSES } from './retry-policy.js';

/** How a request's final result (after its retries) counts for the circuit breaker. */
export function verdictOf(result: TransportResult): RequestVerdict {
  if (result.kind === 'error') {
    if (result.reason === 'circuit-open') return 'neutral';
    // Our own abort says nothing of the server, unless an attempt had failed before it.
    if (result.reason === 'shutdown' || result.reason === 'flush-deadline') return result.afterFailure ? 'failure' : 'neutral';
    return 'failure';
  }
  // A server that answers, even with a 4xx, is up: only exhausted retryable answers count against it.
  return RETRYABLE_STATUSES.includes(result.status) || result.status >= 500 ? 'failure' : 'success';
}

function failureName(result: TransportResult): string {
  return result.kind === 'error' ? (result.reason === 'network' ? `network ${result.code}` : result.reason) : `HTTP ${result.status}`;
}

const REFUSED: TransportResult = {
  kind: 'error',
  reason: 'circuit-open',
  code: 'CIRCUIT_OPEN',
  message: 'not sent: the circuit breaker is open after repeated failures',
};

/** A transport in front of which the circuit breaker decides, request by request, whether to send. */
export class BreakerTransport implements RequestSender {
  constructor(
    private readonly inner: RequestSender,
    private readonly breaker: CircuitBreaker,
  ) {}

  async send(body: string | Buffer, deadline: number, options: SendOptions = {}): Promise<TransportResult> {
    const admission = this.breaker.admit();
    if (admission === 'reject') return REFUSED;
    const probe = admission === 'probe';
    let result: TransportResult | undefined;
    try {
      result = await this.inner.send(body, deadline, probe ? { ...options, singleAttempt: true } : options);
      return result;
    } finally {
      // A transport never throws; should one, the probe slot must still be given back.
      this.breaker.record(result ? verdictOf(result) : 'neutral', probe, result ? failureName(result) : 'error');
    }
  }
}
