import { createHash } from 'node:crypto';
import { isIngestionEventType } from '../events/event-types.js';
import { topLevelObservationsEnded, traceIdOfEvent, type AssembledTrace } from './trace-assembly.js';

export interface CompletedTraceWatcherOptions {
  /** A trace is looked at once no event for it arrived for this long. */
  quietMs: number;
  /** The trace as it stands now (e.g. `receiver.trace`). */
  lookup(traceId: string): AssembledTrace | undefined;
  /** Called once per completed trace, and again (updated: true) each time later events change it. */
  print(trace: AssembledTrace, info: { updated: boolean }): void;
}

/**
 * Decides when a trace is complete: no new event for it for `quietMs`, and every top-level observation has ended
 * (a trace with only a trace-create counts as ended). A trace that is not complete then is looked at again after
 * its next event. The CLI uses it to print each completed trace once, and again, marked updated, when later
 * events (a late span, a score) change it.
 */
export class CompletedTraceWatcher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Touched traces not printed in their current state yet. */
  private readonly pending = new Set<string>();
  /** Digest of what was last printed, per trace. */
  private readonly printed = new Map<string, string>();
  private closed = false;

  constructor(private readonly options: CompletedTraceWatcherOptions) {}

  /** Notes an accepted event of the trace; restarts its quiet period. */
  touch(traceId: string): void {
    if (this.closed) return;
    this.pending.add(traceId);
    const previous = this.timers.get(traceId);
    if (previous) clearTimeout(previous);
    this.timers.set(
      traceId,
      setTimeout(() => {
        this.timers.delete(traceId);
        this.check(traceId);
      }, this.options.quietMs),
    );
  }

  /** Notes an accepted event (as `onEvent` receives it); events without a trace id are ignored. */
  touchEvent(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null) return;
    const { type, body } = raw as { type?: unknown; body?: unknown };
    if (!isIngestionEventType(type) || typeof body !== 'object' || body === null) return;
    const traceId = traceIdOfEvent({ type, body: body as { id: string } });
    if (traceId !== undefined) this.touch(traceId);
  }

  /** Looks at every pending trace now, without waiting for the quiet period (on shutdown); then stops. */
  flush(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const traceId of [...this.pending]) this.check(traceId);
    this.close();
  }

  /** Cancels the pending quiet periods; nothing more is printed. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private check(traceId: string): void {
    const trace = this.options.lookup(traceId);
    if (trace === undefined || !topLevelObservationsEnded(trace)) return;
    this.pending.delete(traceId);
    const digest = createHash('sha256').update(JSON.stringify(trace)).digest('base64');
    const before = this.printed.get(traceId);
    if (before === digest) return;
    this.printed.set(traceId, digest);
    this.options.print(trace, { updated: before !== undefined });
  }
}
