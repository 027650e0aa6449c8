import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ComponentLogger } from '../../diagnostics/component-logger.js';
import type { RequestSender } from '../http/http-transport.js';
import type { EventOutcome } from '../event-outcome.js';
import type { Reservation } from '../memory-budget.js';
import { encodeOtlpBatches, type OtlpEncoding } from './otlp-encoding.js';
import { readRequestAnswer } from '../request-answer.js';
import { DeliveryWork } from '../http/delivery-work.js';

export interface OtlpDeliveryOptions {
  endpoint: string;
  encoding: OtlpEncoding;
  maxBatchBytes: number;
  /**
   * Spans sent along with a span and settled with it (its span events as spans of their own: the server keeps no
   * span events). Their own outcome is not reported.
   */
  companionsOf?: (span: ReadableSpan) => readonly ReadableSpan[];
}

/**
 * Sends spans to Langfuse's OTLP endpoint (`/api/public/otel/v1/traces`), serialized by OpenTelemetry's own
 * transformer and gzipped, and settles each span with an outcome. The server maps spans to observations itself,
 * reading the same `langfuse.*` attributes. Never throws; bounded by the caller's deadline.
 */
const GZIPPED = { 'content-encoding': 'gzip' };

export class OtlpDelivery {
  constructor(
    private readonly transport: RequestSender,
    private readonly options: OtlpDeliveryOptions,
    private readonly log: ComponentLogger,
  ) {}

  /**
   * `reservation`, when given, must hold each encoded body while it waits and is sent; a body that does not fit
   * is not sent and its spans are dropped as `memory-cap`. (The halves of a 413 reuse their parent's share.)
   * `work` ties every batch to one export (a flush deadline or a shutdown ends all of them); by default it begins
   * here, before encoding. Pass the export's own, made when it began, so an abort before this call counts as well.
   */
  async deliver(
    spans: readonly ReadableSpan[],
    deadline: number,
    reservation?: Reservation,
    work = new DeliveryWork(),
  ): Promise<Map<ReadableSpan, EventOutcome>> {
    const outcomes = new Map<ReadableSpan, EventOutcome>();
    const settle = (span: ReadableSpan, outcome: EventOutcome) => {
      if (!companions.has(span)) outcomes.set(span, outcome);
    };
    const companions = new Set<ReadableSpan>();
    const all: ReadableSpan[] = [...spans];
    const { companionsOf } = this.options;
    if (companionsOf) {
      for (const span of spans) {
        for (const companion of companionsOf(span)) {
          companions.add(companion);
          all.push(companion);
        }
      }
    }
    const encoded = await encodeOtlpBatches(all, this.options.encoding, this.options.maxBatchBytes);
    const queue = encoded.filter((batch) => {
      if (!reservation || reservation.take(batch.body.length)) return true;
      for (const span of batch.spans) settle(span, { kind: 'dropped', reason: 'memory-cap' });
      return false;
    });
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      const result = await this.transport.send(batch.body, deadline, batch.gzipped ? { work, headers: GZIPPED } : { work });
      const answer = readRequestAnswer(result, { endpoint: this.options.endpoint, count: batch.spans.length, unit: 'spans', singleBytes: batch.body.length }, this.log);
      if (answer.kind === 'split') {
        const half = Math.ceil(batch.spans.length / 2);
        const halves = await Promise.all(
          [batch.spans.slice(0, half), batch.spans.slice(half)].map((part) => encodeOtlpBatches(part, this.options.encoding, Number.POSITIVE_INFINITY)),
        );
        queue.unshift(...halves.flat());
        continue;
      }
      // OTLP has no per-span answer: a 207 would be a server of another kind; count it as accepted like any 2xx.
      // An unknown answer is not resent: spans carry no envelope id a server dedups by, so they are dead-lettered.
      const outcome: EventOutcome = answer.kind === 'settled' || answer.kind === 'unknown' ? answer.outcome : { kind: 'accepted' };
      for (const span of batch.spans) settle(span, outcome);
    }
    return outcomes;
  }
}
