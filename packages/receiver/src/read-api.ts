import { jsonReply, messageReply, type Reply } from './http-reply.js';
import type { ReceiverStats } from './receiver-stats.js';
import type { RequestRecord } from './request-log.js';
import type { StoredEvent } from './stored-event.js';

export const READ_API_PREFIX = '/api/receiver/';

export interface ReadApiSource {
  events(): StoredEvent[];
  eventsForTrace(traceId: string): StoredEvent[];
  stats(): ReceiverStats;
  requests(): RequestRecord[];
}

/**
 * Unauthenticated read access for tools: `GET /api/receiver/events[?traceId=...]`, `/stats`, `/requests`.
 * Acceptable because the receiver listens on loopback by default and holds only test data.
 */
export function readApiReply(method: string | undefined, url: URL, source: ReadApiSource): Reply {
  const resource = url.pathname.slice(READ_API_PREFIX.length);
  if (resource !== 'events' && resource !== 'stats' && resource !== 'requests') {
    return messageReply(404, `Not found: ${url.pathname}`);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    return jsonReply(405, { message: 'Method Not Allowed' }, { allow: 'GET, HEAD' });
  }
  switch (resource) {
    case 'events': {
      const traceId = url.searchParams.get('traceId');
      return jsonReply(200, traceId === null ? source.events() : source.eventsForTrace(traceId));
    }
    case 'stats':
      return jsonReply(200, source.stats());
    case 'requests':
      return jsonReply(200, source.requests());
  }
}
