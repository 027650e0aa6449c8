import { jsonReply, messageReply, type Reply } from './http-reply.js';
import type { ReceiverStats } from '../store/receiver-stats.js';
import type { RequestRecord } from './request-log.js';
import type { StoredEvent } from '../events/stored-event.js';
import type { AssembledTrace } from '../traces/trace-assembly.js';

export const READ_API_PREFIX = '/api/receiver/';

export interface ReadApiSource {
  events(): StoredEvent[];
  eventsForTrace(traceId: string): StoredEvent[];
  stats(): ReceiverStats;
  requests(): RequestRecord[];
  traces(): AssembledTrace[];
  trace(traceId: string): AssembledTrace | undefined;
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

/**
 * Unauthenticated read access for tools: `GET /api/receiver/events[?traceId=...]`, `/stats`, `/requests`,
 * `/traces` (summaries) and `/traces/:id` (one assembled trace; 404 when unknown).
 * Acceptable because the receiver listens on loopback by default and holds only test data.
 */
export function readApiReply(method: string | undefined, url: URL, source: ReadApiSource): Reply {
  const resource = url.pathname.slice(READ_API_PREFIX.length);
  const traceId = resource.startsWith(`${TRACES}/`) ? resource.slice(TRACES.length + 1) : undefined;
  const known = resource === 'events' || resource === 'stats' || resource === 'requests' || resource === TRACES;
  if (!known && (traceId === undefined || traceId === '' || traceId.includes('/'))) {
    return messageReply(404, `Not found: ${url.pathname}`);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    return jsonReply(405, { message: 'Method Not Allowed' }, { allow: 'GET, HEAD' });
  }
  if (traceId !== undefined) return traceReply(traceId, source);
  switch (resource) {
    case 'events': {
      const traceId = url.searchParams.get('traceId');
      return jsonReply(200, traceId === null ? source.events() : source.eventsForTrace(traceId));
    }
    case 'stats':
      return jsonReply(200, source.stats());
    case 'requests':
      return jsonReply(200, source.requests());
    default:
      return jsonReply(200, source.traces().map(traceSummary));
  }
}

function traceReply(encodedId: string, source: ReadApiSource): Reply {
  let traceId: string;
  try {
    traceId = decodeURIComponent(encodedId);
  } catch {
    return messageReply(400, `Malformed trace id in the path: ${encodedId}`);
  }
  const trace = source.trace(traceId);
  return trace === undefined ? messageReply(404, `Trace not found: ${traceId}`) : jsonReply(200, trace);
}
