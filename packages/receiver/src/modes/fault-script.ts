// Scripted faults for the ingestion endpoint: each incoming ingestion request consumes the next step.

interface Repeatable {
  /** Apply this step to this many consecutive requests. Default 1. */
  times?: number;
}

/** Answer this status instead of processing the request; no event is stored. */
export interface StatusFault extends Repeatable {
  status: number;
  /** A string is sent as text/plain, an object as JSON. Default: `{ message: <reason phrase> }`. */
  body?: string | object;
  headers?: Record<string, string>;
}

/** Process the request normally (events are stored at once) but answer only after this delay. */
export interface DelayFault extends Repeatable {
  delayMs: number;
}

/** Read the request without processing it and never answer (close() still ends it). */
export interface HangFault extends Repeatable {
  hang: true;
}

/** Read the request without processing it, then reset the connection without answering. */
export interface DestroyFault extends Repeatable {
  destroy: true;
}

export interface EventErrorsSpec {
  status: number;
  message?: string;
  /** Which events get the error. Default: all. */
  match?: (event: unknown) => boolean;
}

/** Process the request normally, but matching events get this per-event error in the 207 and are not stored. */
export interface EventErrorsFault extends Repeatable {
  eventErrors: EventErrorsSpec;
}

export type FaultStep = StatusFault | DelayFault | HangFault | DestroyFault | EventErrorsFault;

/** A step as the request handler applies it. */
export type ActiveFault =
  | { kind: 'status'; status: number; body?: string | object; headers: Record<string, string> }
  | { kind: 'delay'; delayMs: number }
  | { kind: 'hang' }
  | { kind: 'destroy' }
  | { kind: 'eventErrors'; eventErrors: EventErrorsSpec };

export type FaultKind = ActiveFault['kind'];

export interface FaultController {
  /** Appends steps to the script. Throws on a malformed step. */
  push(...steps: FaultStep[]): void;
  /** Drops the rest of the script. */
  clear(): void;
  /** How many more ingestion requests the script will affect. */
  pending(): number;
}

export class FaultScript implements FaultController {
  private queue: { fault: ActiveFault; remaining: number }[] = [];

  push(...steps: FaultStep[]): void {
    const parsed = steps.map((step) => ({ fault: toActiveFault(step), remaining: repetitions(step) }));
    this.queue.push(...parsed);
  }

  clear(): void {
    this.queue = [];
  }

  pending(): number {
    return this.queue.reduce((sum, entry) => sum + entry.remaining, 0);
  }

  /** The fault for the next ingestion request, if the script has one. */
  take(): ActiveFault | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    head.remaining--;
    if (head.remaining === 0) this.queue.shift();
    return head.fault;
  }
}

function toActiveFault(step: FaultStep): ActiveFault {
  if ('status' in step) {
    if (!Number.isInteger(step.status) || step.status < 100 || step.status > 599) {
      throw new RangeError(`fault status must be an HTTP status (100..599), got ${String(step.status)}`);
    }
    return { kind: 'status', status: step.status, body: step.body, headers: step.headers ?? {} };
  }
  if ('delayMs' in step) {
    if (!(Number.isFinite(step.delayMs) && step.delayMs >= 0)) {
      throw new RangeError(`fault delayMs must be a non-negative number, got ${String(step.delayMs)}`);
    }
    return { kind: 'delay', delayMs: step.delayMs };
  }
  if ('hang' in step && step.hang) return { kind: 'hang' };
  if ('destroy' in step && step.destroy) return { kind: 'destroy' };
  if ('eventErrors' in step) {
    const { status } = step.eventErrors;
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new RangeError(`fault eventErrors.status must be an HTTP status (100..599), got ${String(status)}`);
    }
    return { kind: 'eventErrors', eventErrors: step.eventErrors };
  }
  throw new TypeError(`unknown fault step: ${JSON.stringify(step)}`);
}

function repetitions(step: FaultStep): number {
  const times = step.times ?? 1;
  if (!Number.isInteger(times) || times < 1) {
    throw new RangeError(`fault times must be a positive integer, got ${String(step.times)}`);
  }
  return times;
}
