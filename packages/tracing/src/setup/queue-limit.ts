import { TraceFlags, type Context } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { isFlushing } from '@otel-langfuse/exporter/internal';
import { log } from '../logger.js';
import { attributeBytes } from './span-bytes.js';

/** The exporter as a batch processor sees it, counting the spans the processor has taken out of its queue. */
export class TakenCounter implements SpanExporter {
  taken = 0;
  /** The attribute bytes of the spans admitted and not yet taken (see attributeBytes). */
  queuedBytes = 0;
  /** Exports handed to the exporter that it has not called back yet (it holds back the one that fills it up). */
  private unanswered = 0;
  /** Batches the processor handed over by its own timer or size trigger while one was unanswered (see export). */
  private readonly held: (() => void)[] = [];
  private whenHandedOver: (() => void)[] = [];
  /** Spans an early send handed over (see QueueLimit): their batches all go at once, like a flush's. */
  private passing = 0;
  /**
   * Each admitted span's bytes as counted when it was admitted: a processor after ours may change its attributes
   * (redaction), and counting them again when taken would leave the difference in `queuedBytes` for good.
   */
  private readonly admitted = new WeakMap<ReadableSpan, number>();

  constructor(private readonly exporter: SpanExporter) {}

  admit(span: ReadableSpan, bytes: number): void {
    this.admitted.set(span, bytes);
    this.queuedBytes += bytes;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.taken += spans.length;
    for (const span of spans) {
      const bytes = this.admitted.get(span);
      if (bytes === undefined) continue;
      this.queuedBytes -= bytes;
      this.admitted.delete(span);
    }
    const hand = () => {
      this.unanswered++;
      this.exporter.export(spans, (result) => {
        this.unanswered--;
        resultCallback(result);
        if (this.unanswered === 0) this.handNext();
      });
    };
    // The processor exports one batch at a time by its timer, but an early send (see QueueLimit) goes through its
    // forceFlush, around that rule: a timer batch that comes while the exporter has not answered waits here, so the
    // two never add up to more deliveries than the exporter takes. A flush's or an early send's batches go at once.
    const passes = this.passing > 0;
    if (passes) this.passing = Math.max(0, this.passing - spans.length);
    if (this.unanswered > 0 && !passes && !isFlushing(this.exporter)) this.held.push(hand);
    else hand();
  }

  /**
   * The next `spans` spans the processor hands over go to the exporter at once: an early send's (its batches may come
   * a moment later, when the spans' resource still has attributes to wait for).
   */
  letThrough(spans: number): void {
    this.passing += spans;
  }

  /**
   * Resolves once every batch held now has been handed to the exporter (a flush waits for it, so what the exporter
   * holds then includes them). Never rejects.
   */
  handedOver(): Promise<void> {
    if (this.held.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.whenHandedOver.push(resolve));
  }

  private handNext(): void {
    this.held.shift()?.();
    if (this.held.length > 0) return;
    const waiting = this.whenHandedOver;
    this.whenHandedOver = [];
    for (const resolve of waiting) resolve();
  }

  /** True when the exporter has answered every export handed to it: it can take another batch now. */
  get ready(): boolean {
    return this.unanswered === 0 && this.held.length === 0;
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }
}

/**
 * Applies a batch processor's queue limit in front of it, in spans and in bytes (the processor counts only spans, and
 * one span can carry megabytes of input or media). The processor only logs the spans its full queue turns away; here
 * they go to `turnedAway` (the exporter counts and dead-letters them), in one call per burst. The queue holds what was
 * handed over and not yet taken by an export, which the processor does at the moment it empties it.
 */
export class QueueLimit implements SpanProcessor {
  private handed = 0;
  private waiting: ReadableSpan[] = [];
  private waitingForBytes = false;

  constructor(
    private readonly processor: SpanProcessor,
    private readonly counter: TakenCounter,
    private readonly maxQueueSize: number,
    /** Cap on the attribute bytes queued; a span alone in the queue always fits. */
    private readonly maxQueueBytes: number,
    /** Queued bytes past which the queue is handed to the exporter at once, when it can take it. */
    private readonly sendEarlyBytes: number,
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
      const queued = this.queued;
      if (queued >= this.maxQueueSize) {
        this.turnAway(span, false);
        return;
      }
      const bytes = attributeBytes(span);
      // The batch processor sends by span count and time only: past a share of the cap, have it send what is queued
      // now (a batch that size fits in what the exporter may hold); at the cap, turn spans away.
      if (queued > 0 && this.counter.queuedBytes + bytes > this.sendEarlyBytes) this.sendEarly();
      // What is queued now: an early send may just have handed it all over.
      if (this.queued > 0 && this.counter.queuedBytes + bytes > this.maxQueueBytes) {
        this.turnAway(span, true);
        return;
      }
      this.handed++;
      this.counter.admit(span, bytes);
    }
    this.processor.onEnd(span);
  }

  forceFlush(): Promise<void> {
    this.report();
    // The processor's flush does not wait for a batch its timer handed over; one held here must reach the exporter.
    return Promise.all([this.processor.forceFlush(), this.counter.handedOver()]).then(() => undefined);
  }

  shutdown(): Promise<void> {
    this.report();
    return this.processor.shutdown();
  }

  /**
   * Hands the queued spans to the exporter now (the batch processor takes them synchronously in `forceFlush`), so a
   * queue full of bytes drains at once rather than at the next timer. Only when the exporter has answered every
   * export so far: otherwise it is behind, and a full queue turns spans away.
   */
  private sendEarly(): void {
    if (!this.counter.ready) return;
    try {
      this.counter.letThrough(this.queued);
      this.processor.forceFlush().catch(() => undefined);
    } catch {
      // The next timer or flush sends them; failures are counted by the exporter.
    }
  }

  private turnAway(span: ReadableSpan, forBytes: boolean): void {
    this.waitingForBytes ||= forBytes;
    if (this.waiting.push(span) === 1) queueMicrotask(() => this.report());
  }

  private report(): void {
    if (this.waiting.length === 0) return;
    const spans = this.waiting;
    this.waiting = [];
    if (this.waitingForBytes) {
      this.waitingForBytes = false;
      log.once('warn', 'queue-bytes-full', `the span queue holds ${sizeText(this.maxQueueBytes)} of span attributes (maxBufferedBytes): large inputs, outputs or media end faster than they can be sent; dropping spans (stats().eventsDropped['queue-full'])`);
    } else {
      log.once('warn', 'queue-full', `the span queue is full (maxQueueSize ${this.maxQueueSize}): the server is slow or spans end faster than they can be sent; dropping spans (stats().eventsDropped['queue-full'])`);
    }
    this.turnedAway(spans);
  }
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
