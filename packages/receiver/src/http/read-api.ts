import { jsonReply, messageReply, type Reply } from './http-reply.js';
import type { ReceiverStats } from '../store/receiver-stats.js';
import type { RequestRecord } from './request-log.js';
import type { StoredEvent } from '../events/stored-event.js';
import type { AssembledTrace, ObservationLevel } from '../traces/trace-assembly.js';
import { queryTraceRows, type TraceRow, type TraceRowFilter } from '../traces/trace-row.js';
import { rollUp, type TraceRollups } from '../traces/trace-rollup.js';
import type { PricedTrace } from '../viewer/derived-costs.js';
import { mediaIdsIn, type MediaSummary } from '../viewer/media-references.js';
import { sessionView } from '../viewer/session-view.js';

export const READ_API_PREFIX = '/api/receiver/';

export interface ReadApiSource {
  events(): StoredEvent[];
  eventsForTrace(traceId: string): StoredEvent[];
  stats(): ReceiverStats;
  requests(): RequestRecord[];
  traces(): AssembledTrace[];
  trace(traceId: string): AssembledTrace | undefined;
  /** Every trace's list row, in order of first arrival. */
  traceRows(): TraceRow[];
  /** The trace with costs derived from a user-supplied price table (none when no table is configured). */
  priceTrace?(trace: AssembledTrace): PricedTrace;
  /** A media record the receiver holds, with its bytes once uploaded. */
  mediaRecord?(mediaId: string): { contentType: string; contentLength: number; bytes?: Buffer } | undefined;
}

/** `GET /api/receiver/trace-views/:id`: one trace with its tokens and cost summed up the observation tree. */
export interface TraceView {
  trace: AssembledTrace;
  rollups: TraceRollups;
  /** Observations whose cost was derived from usage with the configured price table, not carried by events. */
  derivedCostIds: string[];
  /** The media referenced in the trace (`@@@langfuseMedia:...@@@`) that the receiver has a record of, by id. */
  media: Record<string, MediaSummary>;
}

/** One row of `GET /api/receiver/traces`. */
export interface TraceSummary {
  id: string;
  name?: string;
  userId?: string;
  sessionId?: string;
  observationCount: number;
  scoreCount: number;
  /** The earliest observation start (or the trace timestamp). */
  startTime?: string;
  endTime?: string;
  durationMs: number;
}

export function traceSummary(trace: AssembledTrace): TraceSummary {
  const summary: TraceSummary = {
    id: trace.id,
    name: trace.trace.name,
    userId: trace.trace.userId,
    sessionId: trace.trace.sessionId,
    observationCount: trace.observations.length,
    scoreCount: trace.scores.length,
    startTime: trace.startTime,
    endTime: trace.endTime,
    durationMs: trace.durationMs,
  };
  for (const key of Object.keys(summary) as (keyof TraceSummary)[]) if (summary[key] === undefined) delete summary[key];
  return summary;
}

const TRACES = 'traces';
const TRACE_VIEWS = 'trace-views';
const SESSIONS = 'sessions';
const MEDIA = 'media';
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;
const LEVELS: readonly ObservationLevel[] = ['DEBUG', 'DEFAULT', 'WARNING', 'ERROR'];

/**
 * Unauthenticated read access for tools: `GET /api/receiver/events[?traceId=...]`, `/stats`, `/requests`,
 * `/traces` (summaries) and `/traces/:id` (one assembled trace; 404 when unknown); for the trace viewer
 * `/trace-rows` (a filtered page of list rows, newest first), `/trace-views/:id` (a trace with its rollups),
 * `/sessions/:id` (a session's traces, oldest first) and `/media/:id` (stored media bytes, for the page's images).
 * Open when the receiver runs with its built-in local keys (it listens on loopback by default and holds only test
 * data); with keys configured, the viewer's gate asks for them first.
 */
export function readApiReply(method: string | undefined, url: URL, source: ReadApiSource): Reply {
  const resource = url.pathname.slice(READ_API_PREFIX.length);
  for (const [prefix, reply] of [
    [SESSIONS, sessionReply],
    [MEDIA, mediaBytesReply],
  ] as const) {
    if (!resource.startsWith(`${prefix}/`)) continue;
    const id = decodedId(resource.slice(prefix.length + 1));
    if (id === undefined || id === '') return messageReply(404, `Not found: ${url.pathname}`);
    if (method !== 'GET' && method !== 'HEAD') return jsonReply(405, { message: 'Method Not Allowed' }, { allow: 'GET, HEAD' });
    return reply(id, source);
  }
  const viewId = resource.startsWith(`${TRACE_VIEWS}/`) ? resource.slice(TRACE_VIEWS.length + 1) : undefined;
  const traceId = resource.startsWith(`${TRACES}/`) ? resource.slice(TRACES.length + 1) : viewId;
  const known = ['events', 'stats', 'requests', TRACES, 'trace-rows'].includes(resource);
  if (!known && (traceId === undefined || traceId === '' || traceId.includes('/'))) {
    return messageReply(404, `Not found: ${url.pathname}`);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    return jsonReply(405, { message: 'Method Not Allowed' }, { allow: 'GET, HEAD' });
  }
  if (traceId !== undefined) return traceReply(traceId, source, viewId !== undefined);
  switch (resource) {
    case 'events': {
      const traceId = url.searchParams.get('traceId');
      return jsonReply(200, traceId === null ? source.events() : source.eventsForTrace(traceId));
    }
    case 'stats':
      return jsonReply(200, source.stats());
    case 'requests':
      return jsonReply(200, source.requests());
    case 'trace-rows':
      return traceRowsReply(url.searchParams, source);
    default:
      return jsonReply(200, source.traces().map(traceSummary));
  }
}

function traceReply(encodedId: string, source: ReadApiSource, withRollups: boolean): Reply {
  let traceId: string;
  try {
    traceId = decodeURIComponent(encodedId);
  } catch {
    return messageReply(400, `Malformed trace id in the path: ${encodedId}`);
  }
  const trace = source.trace(traceId);
  if (trace === undefined) return messageReply(404, `Trace not found: ${traceId}`);
  if (!withRollups) return jsonReply(200, trace);
  const priced = source.priceTrace?.(trace) ?? { trace, derivedCostIds: [] };
  // Ids come from the events: `__proto__` or `constructor` must be plain keys.
  const media: Record<string, MediaSummary> = Object.create(null) as Record<string, MediaSummary>;
  for (const mediaId of mediaIdsIn([trace.trace, trace.observations])) {
    const record = source.mediaRecord?.(mediaId);
    if (record) media[mediaId] = { contentType: record.contentType, contentLength: record.contentLength, stored: record.bytes !== undefined };
  }
  const view: TraceView = { trace: priced.trace, rollups: rollUp(priced.trace), derivedCostIds: priced.derivedCostIds, media };
  return jsonReply(200, view);
}

function sessionReply(sessionId: string, source: ReadApiSource): Reply {
  const view = sessionView(source.traceRows(), sessionId);
  return view.total === 0 ? messageReply(404, `Session not found: ${sessionId}`) : jsonReply(200, view);
}

// Media bytes come from whoever sent the trace: only raster images are shown inline; anything else is a download,
// and nothing served here may run script (sandbox) or be sniffed as another type.
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/jpg', 'image/webp', 'image/gif', 'image/bmp', 'image/avif']);

function mediaBytesReply(mediaId: string, source: ReadApiSource): Reply {
  const record = source.mediaRecord?.(mediaId);
  if (record?.bytes === undefined) return messageReply(404, `Media not found or not uploaded: ${mediaId}`);
  const inline = INLINE_TYPES.has(record.contentType);
  return {
    status: 200,
    headers: {
      'content-type': inline ? record.contentType : 'application/octet-stream',
      'content-disposition': inline ? 'inline' : `attachment; filename="${mediaId.replace(/[^\w-]/g, '_')}"`,
      'content-security-policy': "default-src 'none'; sandbox",
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, max-age=3600',
    },
    body: record.bytes,
  };
}

function decodedId(encoded: string): string | undefined {
  if (encoded.includes('/')) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

/** `?offset=0&limit=50&text=&userId=&sessionId=&tag=&environment=&level=`; 400 naming a bad parameter. */
function traceRowsReply(params: URLSearchParams, source: ReadApiSource): Reply {
  const offset = integerParam(params, 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
  const limit = integerParam(params, 'limit', 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
  if (offset === undefined) return messageReply(400, 'offset must be a non-negative integer');
  if (limit === undefined) return messageReply(400, `limit must be an integer between 1 and ${MAX_PAGE_SIZE}`);
  const filter: TraceRowFilter = {};
  for (const key of ['text', 'userId', 'sessionId', 'tag', 'environment'] as const) {
    const value = params.get(key);
    if (value !== null && value !== '') filter[key] = value;
  }
  const level = params.get('level');
  if (level !== null && level !== '') {
    const known = LEVELS.find((candidate) => candidate === level);
    if (known === undefined) return messageReply(400, `level must be one of ${LEVELS.join(', ')}`);
    filter.level = known;
  }
  return jsonReply(200, queryTraceRows(source.traceRows(), filter, offset, limit));
}

function integerParam(params: URLSearchParams, name: string, min: number, max: number, fallback: number): number | undefined {
  const value = params.get(name);
  if (value === null || value === '') return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
}
