import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ComponentLogger } from '../diagnostics/component-logger.js';
import type { DeadLetterFile } from './dead-letter-file.js';
import { ingestionLine, otlpLine } from './dead-letter-record.js';
import { describeError } from '../diagnostics/describe-error.js';
import type { DeliverableEvent } from '../wire/ingestion-event.js';
import type { SerializedEvent } from '../events/serialized-event.js';
import { isTransientReason } from '../spool/transient-reason.js';

/** Where transient losses go to be sent again later (the on-disk spool). */
export interface SpoolSink {
  /** Takes the records (dead-letter JSON lines without newline) all or none; false when it cannot (counted there). */
  tryAdd(records: readonly string[]): boolean;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** An event the exporter gave up on, as it would have been sent on the legacy ingestion path. */
export type DroppedEvent = DeliverableEvent;

/**
 * Called with the events given up on and why (the reason counted in `stats()`): rejected for good by the server
 * (`event-400`, `http-401`, ...) or dropped (`retries-exhausted`, `deadline`, `network-…`, `circuit-open`,
 * `memory-cap`, `too-many-pending-exports`, `shutdown`, ...). Spans of the OTLP path are given as the legacy events
 * the exporter's mapping makes of them. Runs off the span's `end()`; what it throws (or, for an async hook, the
 * rejection) is caught and logged once. Keep it quick: it runs on the exporter's delivery path.
 */
export type OnDropHook = (events: DroppedEvent[], reason: string) => void;

export type DeliveryPath = 'ingestion' | 'otlp';

export interface DeadLetterOptions {
  onDrop: OnDropHook | undefined;
  file: DeadLetterFile | undefined;
  log: ComponentLogger;
  /** Never written: replaced by `[redacted]` should user data contain one. */
  secrets: readonly string[];
  /** The legacy events of spans (the exporter's mapping, without side effects). */
  eventsOf(spans: readonly ReadableSpan[]): SerializedEvent[];
  /** The spans as the OTLP path sends them (the mask applied). */
  maskedForOtlp(spans: readonly ReadableSpan[]): ReadableSpan[];
  /** Transient losses go here first; only what it refuses goes on to the hook and the file. */
  spool?: SpoolSink | undefined;
}

/** Deferred work for spans dropped on the caller's stack is capped; beyond it records are skipped and counted. */
const MAX_DEFERRED = 64;

/**
 * Hands what the exporter gives up on to the spool when the cause is transient (it will be sent again), else (or
 * when the spool is full) to the `onDrop` hook and the dead-letter file. Never throws.
 */
export class DeadLetter {
  private readonly deferred = new Set<Promise<void>>();

  constructor(private readonly options: DeadLetterOptions) {}

  /** False when there is neither a hook nor a file: callers skip all dead-letter work. */
  get active(): boolean {
    return this.options.onDrop !== undefined || this.options.file !== undefined || this.options.spool !== undefined;
  }

  /** Legacy-path events given up on (their JSON is the exact body that would have been sent). */
  events(events: readonly SerializedEvent[], reason: string): void {
    if (events.length === 0 || !this.active) return;
    if (this.spooled(reason, () => events.map((event) => ingestionLine(event.json, reason, new Date().toISOString())))) return;
    this.toHookAndFile(events, reason);
  }

  private toHookAndFile(events: readonly SerializedEvent[], reason: string): void {
    const { file } = this.options;
    if (file) {
      if (file.accepting) {
        const time = new Date().toISOString();
        file.add(events.map((event) => this.scrub(ingestionLine(event.json, reason, time))));
      } else {
        file.refuse(events.length);
      }
    }
    this.callHook(events.map((event) => event.event), reason);
  }

  /**
   * Spans given up on before or while being sent. Called on the caller's stack (e.g. inside `export`), so the work
   * is done on a later turn of the event loop.
   */
  spansLater(spans: readonly ReadableSpan[], reason: string, path: DeliveryPath): void {
    if (spans.length === 0 || !this.active) return;
    if (this.deferred.size >= MAX_DEFERRED) {
      this.options.file?.skip('buffer-full', spans.length);
      this.options.log.once('warn', 'dead-letter-busy', 'spans are dropped faster than they can be dead-lettered; some are skipped (stats().deadLetterSkipped)');
      return;
    }
    const task = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.spans(spans, reason, path));
    this.deferred.add(task);
    void task.finally(() => this.deferred.delete(task));
  }

  /** Spans given up on: the file gets them as the path would have sent them, the hook as legacy events. */
  spans(spans: readonly ReadableSpan[], reason: string, path: DeliveryPath): void {
    if (spans.length === 0 || !this.active) return;
    try {
      const lines = (): string[] => {
        const time = new Date().toISOString();
        if (path === 'ingestion') return this.options.eventsOf(spans).map((event) => ingestionLine(event.json, reason, time));
        return this.options.maskedForOtlp(spans).map((span) => otlpLine(span, reason, time));
      };
      if (this.spooled(reason, lines)) return;
      if (path === 'ingestion') {
        const { file, onDrop } = this.options;
        if (onDrop || file?.accepting) this.toHookAndFile(this.options.eventsOf(spans), reason);
        else file?.refuse(spans.length);
        return;
      }
      const { file } = this.options;
      if (file?.accepting) {
        const time = new Date().toISOString();
        file.add(this.options.maskedForOtlp(spans).map((span) => this.scrub(otlpLine(span, reason, time))));
      } else {
        file?.refuse(spans.length);
      }
      if (this.options.onDrop) this.callHook(this.options.eventsOf(spans).map((event) => event.event), reason);
    } catch (error) {
      this.options.log.once('error', 'dead-letter-failed', `dead-lettering ${spans.length} spans failed: ${describeError(error)}`);
    }
  }

  /** Resolves when deferred work is done and the file and the spool have what they were given. Never rejects. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.deferred]);
    await Promise.all([this.options.file?.flush(), this.options.spool?.flush()]);
  }

  async close(): Promise<void> {
    await this.flush();
    await Promise.all([this.options.file?.close(), this.options.spool?.close()]);
  }

  /** True when the spool took these records (a transient cause): nothing else is done with them. */
  private spooled(reason: string, lines: () => string[]): boolean {
    const { spool } = this.options;
    if (!spool || !isTransientReason(reason)) return false;
    // Lines end in a newline (the dead-letter file's framing); the spool frames them itself.
    return spool.tryAdd(lines().map((line) => this.scrub(line).slice(0, -1)));
  }

  private callHook(events: DroppedEvent[], reason: string): void {
    const hook = this.options.onDrop;
    if (!hook || events.length === 0) return;
    const failed = (error: unknown) => this.options.log.once('error', 'on-drop-threw', `the onDrop hook threw (ignored): ${describeError(error)}`);
    try {
      const result: unknown = hook(events, reason);
      if (typeof (result as Promise<void> | undefined)?.then === 'function') (result as Promise<void>).then(undefined, failed);
    } catch (error) {
      failed(error);
    }
  }

  private scrub(line: string): string {
    let out = line;
    for (const secret of this.options.secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  }
}
