import { TraceFlags, type Span as ApiSpan } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SpanOwnership } from '../facade/facade-config.js';

/**
 * First processor of a setup's provider: tells the provider's spans apart from other providers' (isolated mode)
 * and counts sampled spans ended since the last flush (so the exit flush only runs when there is something to
 * send). Every span a provider starts shares the provider's resource object, so that object identifies them
 * without remembering each span.
 */
export class SpanTracker implements SpanProcessor, SpanOwnership {
  private resource: object | undefined;
  private ended = 0;

  onStart(span: Span): void {
    this.resource ??= span.resource;
  }

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0) this.ended++;
  }

  owns(span: ApiSpan): boolean {
    return this.resource !== undefined && (span as Partial<ReadableSpan>).resource === this.resource;
  }

  /** Sampled spans ended since the last call. */
  takeEnded(): number {
    const count = this.ended;
    this.ended = 0;
    return count;
  }

  get endedSinceFlush(): number {
    return this.ended;
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
