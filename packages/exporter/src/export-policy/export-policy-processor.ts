import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ComponentLogger } from '../diagnostics/component-logger.js';
import { errorKind } from '../mapping/error-kind.js';
import { SDK_NAME } from '../version.js';
import { createSpanDecider, resolveExportPolicy, type SelectivePolicy } from './export-policy.js';
import { resolveLimits, type ExportPolicyOptions, type ExportPolicyStats } from './export-policy-options.js';
import { remoteAttachPoint } from './parent-hint.js';
import { sameParent, withParent } from './reparented-span.js';
import { SegmentBuffer, type ParentTarget } from './segment-buffer.js';

/** A SpanProcessor that applies an export policy in front of another one; see {@link createExportPolicyProcessor}. */
export interface ExportPolicyProcessor extends SpanProcessor {
  /** Counters and gauges; a fresh object each call. */
  stats(): ExportPolicyStats;
}

type Counters = Omit<ExportPolicyStats, 'buffered' | 'tracked'>;

const zeroCounters = (): Counters => ({
  kept: 0,
  filtered: 0,
  reparented: 0,
  forcedOut: 0,
  segmentsEvicted: 0,
  predicateErrors: 0,
});

/** Calls into the inner processor, which must not break the user's `span.end()` nor our bookkeeping. */
function guarded(log: ComponentLogger, what: string, call: () => void): void {
  try {
    call();
  } catch (error) {
    log.once('warn', `inner-${what}-threw`, `export policy: the inner span processor's ${what} threw (${errorKind(error)})`);
  }
}

/**
 * `'all'`: nothing is held; spans pass straight through. Only a span whose remote parent the caller's export policy
 * marked as possibly dropped is passed on under the ancestor the caller named (see `parent-hint.ts`).
 */
class PassThroughProcessor implements ExportPolicyProcessor {
  private kept = 0;
  private reparented = 0;

  constructor(
    private readonly inner: SpanProcessor,
    private readonly log: ComponentLogger,
  ) {}

  onStart(span: Span, parentContext: Context): void {
    guarded(this.log, 'onStart', () => this.inner.onStart(span, parentContext));
  }
  onEnding(span: Span): void {
    if (this.inner.onEnding !== undefined) guarded(this.log, 'onEnding', () => this.inner.onEnding!(span));
  }
  onEnd(span: ReadableSpan): void {
    this.kept++;
    let out = span;
    const parent = span.parentSpanContext;
    if (parent?.isRemote === true) {
      const target = remoteAttachPoint(parent);
      if (!sameParent(parent, target)) {
        this.reparented++;
        out = withParent(span, target);
      }
    }
    guarded(this.log, 'onEnd', () => this.inner.onEnd(out));
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  stats(): ExportPolicyStats {
    return { ...zeroCounters(), kept: this.kept, reparented: this.reparented, buffered: 0, tracked: 0 };
  }
}

/** `'llm'` or a predicate: ended spans are held per trace segment until their keep/drop decisions are known. */
class PolicyProcessor implements ExportPolicyProcessor {
  private readonly counters = zeroCounters();
  private readonly buffer: SegmentBuffer;
  private shutdownPromise: Promise<void> | undefined;

  constructor(
    private readonly inner: SpanProcessor,
    policy: SelectivePolicy,
    options: ExportPolicyOptions,
    private readonly log: ComponentLogger,
  ) {
    const decider = createSpanDecider(policy, (error) => {
      this.counters.predicateErrors++;
      log.once(
        'warn',
        'policy-predicate-threw',
        `the export policy predicate threw (${errorKind(error)}); such spans are kept (this is logged once)`,
      );
    });
    const limits = resolveLimits(options, (message) => log.warn(message));
    this.buffer = new SegmentBuffer(decider, limits, {
      settle: (span, kept, parent, forced) => this.settle(span, kept, parent, forced),
      evicted: () => {
        this.counters.segmentsEvicted++;
        log.once('debug', 'segment-evicted', 'export policy: a trace segment was sent before it ended (memory or age cap)');
      },
    });
  }

  onStart(span: Span, parentContext: Context): void {
    if (this.shutdownPromise !== undefined) return;
    try {
      this.buffer.start(span);
    } catch (error) {
      this.log.once('warn', 'policy-start-failed', `export policy: tracking a span failed (${errorKind(error)})`);
    }
    guarded(this.log, 'onStart', () => this.inner.onStart(span, parentContext));
  }

  onEnding(span: Span): void {
    if (this.inner.onEnding !== undefined) guarded(this.log, 'onEnding', () => this.inner.onEnding!(span));
  }

  onEnd(span: ReadableSpan): void {
    if (this.shutdownPromise !== undefined) return;
    try {
      this.buffer.end(span);
    } catch (error) {
      this.log.once('warn', 'policy-end-failed', `export policy: placing an ended span failed (${errorKind(error)})`);
    }
  }

  /** Sends every held span now, open ancestors counting as dropped unless known to be kept, then flushes the inner processor. */
  forceFlush(): Promise<void> {
    this.settleAll();
    return this.inner.forceFlush();
  }

  /** As forceFlush, then shuts the inner processor down; later spans are ignored. Idempotent. */
  shutdown(): Promise<void> {
    if (this.shutdownPromise === undefined) {
      this.settleAll();
      this.shutdownPromise = this.inner.shutdown();
    }
    return this.shutdownPromise;
  }

  stats(): ExportPolicyStats {
    return { ...this.counters, buffered: this.buffer.buffered, tracked: this.buffer.tracked };
  }

  private settleAll(): void {
    try {
      this.buffer.settleAll();
    } catch (error) {
      this.log.once('warn', 'policy-flush-failed', `export policy: sending held spans failed (${errorKind(error)})`);
    }
  }

  private settle(span: ReadableSpan, kept: boolean, parent: ParentTarget, forced: boolean): void {
    if (forced) this.counters.forcedOut++;
    if (!kept) {
      this.counters.filtered++;
      return;
    }
    this.counters.kept++;
    let out = span;
    if (!sameParent(span.parentSpanContext, parent)) {
      this.counters.reparented++;
      out = withParent(span, parent);
    }
    guarded(this.log, 'onEnd', () => this.inner.onEnd(out));
  }
}

/**
 * A SpanProcessor that sends only the spans the export policy keeps to `inner` (a BatchSpanProcessor or
 * SimpleSpanProcessor around a `LangfuseSpanExporter`), without orphaning any: a kept span whose parent was dropped
 * is passed on attached to its nearest kept ancestor, or as a trace root (`langfuse.internal.as_root`) when no
 * local ancestor is kept; a remote parent (another service's span) is kept as the parent unless that service's
 * policy marked it as possibly dropped, naming where its children attach instead. Every span it may drop carries
 * that mark in its `tracestate`, so a callee that continues the trace from it (an auto-instrumented HTTP client
 * span, say) is never stranded under a span that does not arrive.
 *
 * Since a parent usually ends after its children, ended spans are held until every ancestor in their local trace
 * segment has ended; memory is bounded by `maxBufferedSpans`, `maxTrackedSpans` and `maxTraceAgeMs`. When spans
 * must go out before an ancestor ended (those limits, `forceFlush()`, `shutdown()`), an open ancestor counts as
 * dropped unless it is already known to be kept (under `'llm'`: LLM-related by the attributes it has so far).
 * With `policy: 'all'` nothing is held: spans pass straight through.
 */
export function createExportPolicyProcessor(inner: SpanProcessor, options: ExportPolicyOptions = {}): ExportPolicyProcessor {
  const given = options ?? {};
  const log = new ComponentLogger(SDK_NAME);
  const policy = resolveExportPolicy(given.policy, (message) => log.warn(message));
  return policy === 'all' ? new PassThroughProcessor(inner, log) : new PolicyProcessor(inner, policy, given, log);
}
