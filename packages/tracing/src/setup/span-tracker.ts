import { TraceFlags, type Span as ApiSpan } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SpanOwnership } from '../facade/facade-config.js';

/**
 * First processor of a setup's provider: remembers which spans the provider started (so the facade can tell
 * another provider's spans apart in isolated mode) and counts sampled spans ended since the last flush (so
 * the exit flush only runs when there is something to send).
 */
export class SpanTracker implements SpanProcessor, SpanOwnership {
  private readonly started = new WeakSet<object>();
  private ended = 0;

  onStart(span: Span): void {
    this.started.add(span);
  }

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0) this.ended++;
  }

  owns(span: ApiSpan): boolean {
    return this.started.has(span);
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
