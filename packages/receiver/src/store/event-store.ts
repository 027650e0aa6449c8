import type { StoredEvent } from '../events/stored-event.js';
import { traceIdOfEvent } from '../traces/trace-assembly.js';

export type EventPredicate = (events: StoredEvent[]) => boolean;

interface Waiter {
  check(): void;
  fail(error: Error): void;
}

/** Accepted events in arrival order, each envelope id stored once, with waiting for a condition on them. */
export class EventStore {
  private events: StoredEvent[] = [];
  private ids = new Set<string>();
  /** Per trace id, in arrival order: its trace-creates, observation events and scores. */
  private byTrace = new Map<string, StoredEvent[]>();
  private readonly waiters = new Set<Waiter>();
  /** The batch each event came in: notify() closes a batch. */
  private readonly batches = new WeakMap<StoredEvent, number>();
  private batch = 0;

  /** Stores the event unless its envelope id was stored before; returns whether it was new. */
  add(event: StoredEvent): boolean {
    if (this.ids.has(event.id)) return false;
    this.ids.add(event.id);
    this.events.push(event);
    this.batches.set(event, this.batch);
    const traceId = traceIdOfEvent(event);
    if (traceId !== undefined) {
      const list = this.byTrace.get(traceId);
      if (list) list.push(event);
      else this.byTrace.set(traceId, [event]);
    }
    return true;
  }

  /** Which batch (request) the event was stored in, ascending; undefined for an event not stored here. */
  batchOf(event: StoredEvent): number | undefined {
    return this.batches.get(event);
  }

  all(): StoredEvent[] {
    return [...this.events];
  }

  /** The trace-creates and observation events of one trace (no scores), in arrival order. */
  forTrace(traceId: string): StoredEvent[] {
    return this.withScores(traceId).filter((event) => event.type !== 'score-create');
  }

  /** Every event of one trace, scores with its traceId included, in arrival order. */
  withScores(traceId: string): StoredEvent[] {
    return [...(this.byTrace.get(traceId) ?? [])];
  }

  /** Trace ids in order of their first event (a trace-create, observation or score). */
  traceIds(): string[] {
    return [...this.byTrace.keys()];
  }

  /** Re-evaluates pending waitFor() predicates; call after a batch has been stored. */
  notify(): void {
    this.batch++;
    for (const waiter of [...this.waiters]) waiter.check();
  }

  waitFor(predicate: EventPredicate, timeoutMs: number): Promise<StoredEvent[]> {
    return new Promise((resolve, reject) => {
      const finish = (outcome: () => void): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        outcome();
      };
      const waiter: Waiter = {
        check: () => {
          let satisfied: boolean;
          try {
            satisfied = predicate(this.all());
          } catch (error) {
            finish(() => reject(error instanceof Error ? error : new Error(String(error))));
            return;
          }
          if (satisfied) finish(() => resolve(this.all()));
        },
        fail: (error) => finish(() => reject(error)),
      };
      const timer = setTimeout(() => {
        waiter.fail(new Error(`waitForEvents: condition not met within ${timeoutMs} ms; ${this.describe()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
      waiter.check();
    });
  }

  /** Forgets all events; pending waiters keep waiting. */
  clear(): void {
    this.events = [];
    this.ids = new Set();
    this.byTrace = new Map();
  }

  /** Rejects every pending waiter. */
  close(reason: string): void {
    for (const waiter of [...this.waiters]) waiter.fail(new Error(`waitForEvents: ${reason}; ${this.describe()}`));
  }

  private describe(): string {
    if (this.events.length === 0) return 'no events stored';
    const counts = new Map<string, number>();
    for (const event of this.events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
    const byType = [...counts].map(([type, count]) => `${type} x${count}`).join(', ');
    return `${this.events.length} events stored (${byType})`;
  }
}
