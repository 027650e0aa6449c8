import type { SpanContext } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SpanDecider } from './export-policy.js';
import type { ResolvedLimits } from './export-policy-options.js';
import { DropMemory } from './drop-memory.js';
import { writeParentHint } from './parent-hint.js';

/** Where a span attaches: a span context, or undefined for none (a trace root). */
export type ParentTarget = SpanContext | undefined;

export interface SettleSink {
  /**
   * A decided span: sent when `kept`, under `parent` (which may differ from the span's own parent). `forced`: it
   * goes out before all its ancestors ended.
   */
  settle(span: ReadableSpan, kept: boolean, parent: ParentTarget, forced: boolean): void;
  /** A trace segment is sent early because of a cap or its age. */
  evicted(): void;
}

/** What is known about one span from its start until it is settled. */
interface SpanRecord {
  readonly id: string;
  /** The span (live until it ends); released once settled. */
  span: ReadableSpan | undefined;
  /** The local parent's record (same segment); undefined for the segment's root, and once settled. */
  parent: SpanRecord | undefined;
  /** A segment root's attach point above the segment: none, a remote parent, or where a dropped parent's children go. */
  readonly outer: ParentTarget;
  readonly segment: Segment;
  ended: boolean;
  kept: boolean;
  settled: boolean;
  /** Where this span's children attach: itself when kept, else its own attach point. Set when settled. */
  target: ParentTarget;
  /**
   * Where its children attach should it be dropped, as far as known at its start: its nearest ancestor sure to be
   * kept then, else the segment's attach point. Sent to callees in its tracestate (see `writeParentHint`).
   */
  readonly fallback: ParentTarget;
  /** Ended descendants held until this span is settled. */
  waiting: SpanRecord[] | undefined;
}

/** The spans under one local root (a span without a parent, with a remote parent, or with an unknown one). */
interface Segment {
  readonly startedAt: number;
  /** Its unsettled records, in start order (a parent always before its children). */
  readonly records: Set<SpanRecord>;
}

/**
 * Holds ended spans until every ancestor in their trace segment has ended (its keep/drop decision is known only
 * then: a parent usually ends after its children), then settles them top-down so each kept span can be attached
 * to its nearest kept ancestor. Memory is bounded by `maxTrackedSpans` (records), `maxBufferedSpans` (held
 * spans) and `maxTraceAgeMs` (segment age, checked on activity): past a limit the oldest segment is settled at
 * once, an open span counting as the decider's `keepOpen` says; it is then no longer tracked, and spans that end
 * or start under it later are placed through {@link DropMemory}.
 */
export class SegmentBuffer {
  private readonly records = new Map<string, SpanRecord>();
  /** Segments with unsettled records, oldest first. */
  private readonly segments = new Set<Segment>();
  private readonly drops: DropMemory;
  private heldCount = 0;
  private nextSweepAt = 0;
  /** True while settling: a re-entrant start or end (an inner processor tracing itself) then neither sweeps nor evicts. */
  private settling = false;

  constructor(
    private readonly decider: SpanDecider,
    private readonly limits: ResolvedLimits,
    private readonly sink: SettleSink,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.drops = new DropMemory(limits.maxTrackedSpans);
  }

  get buffered(): number {
    return this.heldCount;
  }

  get tracked(): number {
    return this.records.size;
  }

  start(span: ReadableSpan): void {
    const now = this.now();
    this.sweep(now);
    const id = span.spanContext().spanId;
    if (this.records.has(id)) return;
    const parentContext = span.parentSpanContext;
    const parent =
      parentContext !== undefined && parentContext.isRemote !== true ? this.records.get(parentContext.spanId) : undefined;
    // Kept whatever happens later, under a parent nothing is held for: it is settled when it ends, untracked, and
    // its children find its place (itself) the same way. The common case (the facade's own spans) holds nothing.
    if (parent === undefined && this.decider.keptFromStart(span)) return;
    let segment: Segment;
    if (parent === undefined) {
      segment = { startedAt: now, records: new Set() };
      this.segments.add(segment);
    } else {
      segment = parent.segment;
    }
    const outer = parent === undefined ? this.drops.targetUnder(parentContext) : undefined;
    const fallback = parent === undefined ? outer : this.fallbackUnder(parent);
    const record: SpanRecord = {
      id,
      span,
      parent,
      outer,
      segment,
      ended: false,
      kept: false,
      settled: false,
      target: undefined,
      fallback,
      waiting: undefined,
    };
    writeParentHint(span, fallback);
    segment.records.add(record);
    this.records.set(id, record);
    while (this.records.size > this.limits.maxTrackedSpans && this.evictOldest());
  }

  end(span: ReadableSpan): void {
    this.sweep(this.now());
    const record = this.records.get(span.spanContext().spanId);
    if (record === undefined || record.ended) {
      this.settleUntracked(span);
      return;
    }
    record.ended = true;
    record.span = span;
    record.kept = this.decider.keep(span);
    const parent = record.parent;
    if (parent === undefined || parent.settled) {
      this.settleFrom(record, false);
      return;
    }
    (parent.waiting ??= []).push(record);
    this.heldCount++;
    while (this.heldCount > this.limits.maxBufferedSpans && this.evictOldest());
  }

  /** Where a dropped child of `parent` (open, tracked) would attach: `parent` when it is sure to be kept already. */
  private fallbackUnder(parent: SpanRecord): ParentTarget {
    const span = parent.span;
    if (span !== undefined && !parent.ended && this.decider.keepOpen(span)) return span.spanContext();
    if (parent.ended && parent.kept && span !== undefined) return span.spanContext();
    return parent.fallback;
  }

  /** Settles every segment now, open spans counting as `keepOpen` says (forceFlush, shutdown). */
  settleAll(): void {
    for (const segment of [...this.segments]) this.forceSegment(segment);
  }

  /** A span we hold no record of (started before us, or its segment was settled early): placed by what is remembered. */
  private settleUntracked(span: ReadableSpan): void {
    const id = span.spanContext().spanId;
    const kept = this.decider.keep(span);
    const target = this.drops.targetUnder(span.parentSpanContext);
    if (kept) this.drops.kept(id);
    else this.drops.droppedEnded(id, target);
    this.sink.settle(span, kept, target, false);
  }

  /** Settles an ended record whose parent is settled, then every held descendant it was holding back. */
  private settleFrom(first: SpanRecord, forced: boolean): void {
    const wasSettling = this.settling;
    this.settling = true;
    try {
      const stack = [first];
      let record: SpanRecord | undefined;
      while ((record = stack.pop()) !== undefined) {
        const span = record.span!;
        const target = this.markSettled(record, record.kept, true);
        const waiting = this.takeWaiting(record);
        if (waiting !== undefined) for (const child of waiting) stack.push(child);
        this.sink.settle(span, record.kept, target, forced);
      }
    } finally {
      this.settling = wasSettling;
    }
  }

  /** The held descendants `record` was holding back, no longer counted as held. */
  private takeWaiting(record: SpanRecord): SpanRecord[] | undefined {
    const waiting = record.waiting;
    if (waiting !== undefined) {
      record.waiting = undefined;
      this.heldCount -= waiting.length;
    }
    return waiting;
  }

  /** Records the decision; returns where the span itself attaches. */
  private markSettled(record: SpanRecord, kept: boolean, ended: boolean): ParentTarget {
    const above = record.parent === undefined ? record.outer : record.parent.target;
    record.target = kept ? record.span!.spanContext() : above;
    if (!kept) {
      if (ended) this.drops.droppedEnded(record.id, above);
      else this.drops.droppedOpen(record.id, above);
    }
    record.settled = true;
    record.parent = undefined;
    record.span = undefined;
    this.records.delete(record.id);
    const segment = record.segment;
    segment.records.delete(record);
    if (segment.records.size === 0) this.segments.delete(segment);
    return above;
  }

  /**
   * Settles a segment top-down now. Records come in start order, so a record's parent is settled before it:
   * an open one by `keepOpen`, an ended one with its parent (it was waiting on it).
   */
  private forceSegment(segment: Segment): void {
    const wasSettling = this.settling;
    this.settling = true;
    try {
      for (const record of [...segment.records]) {
        if (record.settled || record.ended) continue;
        this.markSettled(record, this.decider.keepOpen(record.span!), false);
        const waiting = this.takeWaiting(record);
        if (waiting !== undefined) for (const child of waiting) this.settleFrom(child, true);
      }
    } finally {
      this.settling = wasSettling;
    }
  }

  /** Settles the oldest segment; false when there is none (or a settle is already running). */
  private evictOldest(): boolean {
    if (this.settling) return false;
    const oldest = this.segments.values().next();
    if (oldest.done === true) return false;
    this.sink.evicted();
    this.forceSegment(oldest.value);
    return true;
  }

  /** Settles the segments older than `maxTraceAgeMs`; cheap when none is due. */
  private sweep(now: number): void {
    if (now < this.nextSweepAt || this.settling) return;
    const maxAge = this.limits.maxTraceAgeMs;
    for (;;) {
      const oldest = this.segments.values().next();
      if (oldest.done === true) {
        this.nextSweepAt = now + maxAge;
        return;
      }
      if (now - oldest.value.startedAt < maxAge) {
        this.nextSweepAt = oldest.value.startedAt + maxAge;
        return;
      }
      this.sink.evicted();
      this.forceSegment(oldest.value);
    }
  }
}
