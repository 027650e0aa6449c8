import { isObservationEventType } from './event-types.js';
import type { StoredEvent } from './stored-event.js';

export type EventPredicate = (events: StoredEvent[]) => boolean;

interface Waiter {
  check(): void;
  fail(error: Error): void;
}

/** Accepted events in arrival order, each envelope id stored once, with waiting for a condition on them. */
export class EventStore {
  private events: StoredEvent[] = [];
  private ids = new Set<string>();
  private readonly waiters = new Set<Waiter>();

  /** Stores the event unless its envelope id was stored before; returns whether it was new. */
  add(event: StoredEvent): boolean {
    if (this.ids.has(event.id)) return false;
    this.ids.add(event.id);
    this.events.push(event);
    return true;
  }

  all(): StoredEvent[] {
    return [...this.events];
  }

  forTrace(traceId: string): StoredEvent[] {
    return this.events.filter((event) =>
      event.type === 'trace-create' ? event.body.id === traceId : isObservationEventType(event.type) && event.body.traceId === traceId,
    );
  }

  /** Re-evaluates pending waitFor() predicates; call after a batch has been stored. */
  notify(): void {
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
