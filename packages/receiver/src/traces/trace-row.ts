import type { AssembledTrace, ObservationLevel } from './trace-assembly.js';
import { rollUp } from './trace-rollup.js';
import { parseTimeMs } from './trace-time.js';

/** One line of the trace list: what the viewer's table shows and filters on. */
export interface TraceRow {
  id: string;
  name?: string;
  userId?: string;
  sessionId?: string;
  tags: string[];
  environment: string;
  release?: string;
  startTime?: string;
  durationMs: number;
  observationCount: number;
  scoreCount: number;
  totalTokens: number;
  /** Undefined when no observation carried a cost. */
  totalCost?: number;
  /** The most severe observation level. */
  level: ObservationLevel;
  /** Observations at level ERROR. */
  errorCount: number;
}

export interface TraceRowFilter {
  /** Case-insensitive substring of the id, name, user, session, release or a tag. */
  text?: string;
  userId?: string;
  sessionId?: string;
  tag?: string;
  environment?: string;
  /** Traces with an observation at this level or a more severe one (DEBUG < DEFAULT < WARNING < ERROR). */
  level?: ObservationLevel;
}

export interface TraceRowPage {
  /** Rows matching the filter. */
  total: number;
  offset: number;
  limit: number;
  /** Newest first (by start time). */
  rows: TraceRow[];
}

const SEVERITY: Record<ObservationLevel, number> = { DEBUG: 0, DEFAULT: 1, WARNING: 2, ERROR: 3 };

export function traceRow(trace: AssembledTrace): TraceRow {
  const { total } = rollUp(trace);
  let level: ObservationLevel = 'DEFAULT';
  let errorCount = 0;
  for (const observation of trace.observations) {
    if (SEVERITY[observation.level] > SEVERITY[level]) level = observation.level;
    if (observation.level === 'ERROR') errorCount++;
  }
  const row: TraceRow = {
    id: trace.id,
    name: trace.trace.name,
    userId: trace.trace.userId,
    sessionId: trace.trace.sessionId,
    tags: trace.trace.tags,
    environment: trace.trace.environment,
    release: trace.trace.release,
    startTime: trace.startTime ?? trace.trace.timestamp,
    durationMs: trace.durationMs,
    observationCount: trace.observations.length,
    scoreCount: trace.scores.length,
    totalTokens: total.tokens,
    totalCost: total.cost,
    level,
    errorCount,
  };
  for (const key of Object.keys(row) as (keyof TraceRow)[]) if (row[key] === undefined) delete row[key];
  return row;
}

/** Filters, sorts newest first (ties: the later arrival first) and cuts one page. `rows` is in arrival order. */
export function queryTraceRows(rows: readonly TraceRow[], filter: TraceRowFilter, offset: number, limit: number): TraceRowPage {
  const matches = rows.map((row, arrival) => ({ row, arrival, start: startMs(row) })).filter(({ row }) => matchesFilter(row, filter));
  matches.sort((a, b) => b.start - a.start || b.arrival - a.arrival);
  return { total: matches.length, offset, limit, rows: matches.slice(offset, offset + limit).map(({ row }) => row) };
}

function startMs(row: TraceRow): number {
  return parseTimeMs(row.startTime) ?? 0;
}

function matchesFilter(row: TraceRow, filter: TraceRowFilter): boolean {
  if (filter.userId !== undefined && row.userId !== filter.userId) return false;
  if (filter.sessionId !== undefined && row.sessionId !== filter.sessionId) return false;
  if (filter.tag !== undefined && !row.tags.includes(filter.tag)) return false;
  if (filter.environment !== undefined && row.environment !== filter.environment) return false;
  if (filter.level !== undefined && SEVERITY[row.level] < SEVERITY[filter.level]) return false;
  if (filter.text !== undefined) {
    const needle = filter.text.toLowerCase();
    const haystack = [row.id, row.name, row.userId, row.sessionId, row.release, ...row.tags];
    if (!haystack.some((value) => value?.toLowerCase().includes(needle))) return false;
  }
  return true;
}
