import { TraceFlags, type Context } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { log } from '../logger.js';

/** The exporter as a batch processor sees it, counting the spans the processor has taken out of its queue. */
export class TakenCounter implements SpanExporter {
  taken = 0;

  constructor(private readonly exporter: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.taken += spans.length;
    this.exporter.export(spans, resultCallback);
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }
}

/**
 * Applies a batch processor's queue limit in front of it. The processor only logs the spans its full queue turns
 * away; here they go to `turnedAway` (the exporter counts and dead-letters them), in one call per burst. The queue
 * holds what was handed over and not yet taken by an export, which the processor does at the moment it empties it.
 */
export class QueueLimit implements SpanProcessor {
  private handed = 0;
  private waiting: ReadableSpan[] = [];

  constructor(
    private readonly processor: SpanProcessor,
    private readonly counter: TakenCounter,
    private readonly maxQueueSize: number,
    private readonly turnedAway: (spans: ReadableSpan[]) => void,
  ) {}

  /** Spans handed over and not yet taken by an export. */
  get queued(): number {
    return this.handed - this.counter.taken;
  }

  onStart(span: Span, parentContext: Context): void {
    this.processor.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0) {
      if (this.handed - this.counter.taken >= this.maxQueueSize) {
        this.turnAway(span);
        return;
      }
      this.handed++;
    }
    this.processor.onEnd(span);
  }

  forceFlush(): Promise<void> {
    this.report();
    return this.processor.forceFlush();
  }

  shutdown(): Promise<void> {
    this.report();
    return this.processor.shutdown();
  }

  private turnAway(span: ReadableSpan): void {
    if (this.waiting.push(span) === 1) queueMicrotask(() => this.report());
  }

  private report(): void {
    if (this.waiting.length === 0) return;
    const spans = this.waiting;
    this.waiting = [];
    log.once('warn', 'queue-full', `the span queue is full (maxQueueSize ${this.maxQueueSize}): the server is slow or spans end faster than they can be sent; dropping spans (stats().eventsDropped['queue-full'])`);
    this.turnedAway(spans);
  }
}
