import type { TraceRow } from '../traces/trace-row.js';
import { parseTimeMs } from '../traces/trace-time.js';

/** A session's traces are listed whole up to this many (the oldest first); `total` says how many there are. */
export const MAX_SESSION_TRACES = 1000;

/** `GET /api/receiver/sessions/:id`: the traces of one session in the order they started, with their sums. */
export interface SessionView {
  sessionId: string;
  /** Traces in the session. */
  total: number;
  /** Oldest first (by start time; ties in order of arrival), at most MAX_SESSION_TRACES. */
  traces: TraceRow[];
  totalTokens: number;
  /** Undefined when no trace of the session has a cost. */
  totalCost?: number;
  /** First start and last end over the session's traces. */
  startTime?: string;
  durationMs: number;
}

/** `rows` in arrival order, as the receiver keeps them. */
export function sessionView(rows: readonly TraceRow[], sessionId: string): SessionView {
  const matches = rows
    .map((row, arrival) => ({ row, arrival, start: parseTimeMs(row.startTime) ?? 0 }))
    .filter(({ row }) => row.sessionId === sessionId)
    .sort((a, b) => a.start - b.start || a.arrival - b.arrival);
  let totalTokens = 0;
  let totalCost: number | undefined;
  let first: number | undefined;
  let last: number | undefined;
  for (const { row, start } of matches) {
    totalTokens += row.totalTokens;
    if (row.totalCost !== undefined) totalCost = (totalCost ?? 0) + row.totalCost;
    if (row.startTime === undefined) continue;
    first = first === undefined ? start : Math.min(first, start);
    last = Math.max(last ?? start, start + row.durationMs);
  }
  const view: SessionView = {
    sessionId,
    total: matches.length,
    traces: matches.slice(0, MAX_SESSION_TRACES).map(({ row }) => row),
    totalTokens,
    durationMs: first === undefined || last === undefined ? 0 : last - first,
  };
  if (totalCost !== undefined) view.totalCost = totalCost;
  if (first !== undefined) view.startTime = new Date(first).toISOString();
  return view;
}
