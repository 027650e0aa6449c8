import type { SpanContext } from '@opentelemetry/api';
import { remoteAttachPoint } from './parent-hint.js';

/** A map that forgets its oldest entry past `capacity`. */
class BoundedMap<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }
  delete(key: string): void {
    this.entries.delete(key);
  }
  has(key: string): boolean {
    return this.entries.has(key);
  }
  get(key: string): V | undefined {
    return this.entries.get(key);
  }
}

/**
 * Where the children of dropped spans attach, once those spans are no longer tracked: for a child that starts (or
 * ends) after its dropped parent's trace segment was settled, e.g. a fire-and-forget task under a request that
 * already ended, or work under a long-open span whose segment was sent early. Bounded: past `capacity` the oldest
 * entries go first. Spans that were still open when their segment was sent early (and counted as dropped) are kept
 * apart until they end, so the churn of ordinary dropped spans cannot push a long-open span out. An entry is
 * small: the span id and a reference to an ancestor's span context (or undefined: the trace root).
 */
export class DropMemory {
  private readonly ended: BoundedMap<SpanContext | undefined>;
  private readonly open: BoundedMap<SpanContext | undefined>;

  constructor(capacity: number) {
    this.ended = new BoundedMap(capacity);
    this.open = new BoundedMap(capacity);
  }

  /** An ended span was dropped; its children attach to `target`. */
  droppedEnded(spanId: string, target: SpanContext | undefined): void {
    this.open.delete(spanId);
    this.ended.set(spanId, target);
  }

  /** A still-open span counts as dropped for now; its children attach to `target`. */
  droppedOpen(spanId: string, target: SpanContext | undefined): void {
    this.open.set(spanId, target);
  }

  /** A span was kept after all: its children attach to it. */
  kept(spanId: string): void {
    this.open.delete(spanId);
    this.ended.delete(spanId);
  }

  /**
   * Where a child of `parent` attaches: the parent itself unless it was dropped. A remote parent stays unless its
   * service marked it as possibly dropped (see {@link remoteAttachPoint}); a local parent nothing is remembered
   * about stays.
   */
  targetUnder(parent: SpanContext | undefined): SpanContext | undefined {
    if (parent === undefined) return parent;
    if (parent.isRemote === true) return remoteAttachPoint(parent);
    const id = parent.spanId;
    if (this.open.has(id)) return this.open.get(id);
    if (this.ended.has(id)) return this.ended.get(id);
    return parent;
  }
}
