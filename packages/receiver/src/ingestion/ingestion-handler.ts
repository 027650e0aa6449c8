import type { IncomingMessage } from 'node:http';
import { checkBasicAuth, type ApiKeys } from '../http/auth.js';
import { readBody, type BodyReadResult } from '../http/body-reader.js';
import type { EventValidator } from './event-validator.js';
import type { EventErrorsSpec } from '../modes/fault-script.js';
import { jsonReply, messageReply, textReply, type Reply } from '../http/http-reply.js';
import { ingestBatch, type IngestContext } from './ingest-batch.js';
import type { BatchSummary } from '../config/receiver-options.js';
import type { ReceiverStats } from '../store/receiver-stats.js';
import type { RequestRecord } from '../http/request-log.js';

export const INGESTION_PATH = '/api/public/ingestion';

export interface IngestionEndpoint {
  keys: ApiKeys;
  maxBodyBytes: number;
  validator: EventValidator;
  stats: ReceiverStats;
  ingest: IngestContext;
  onBatch?: (summary: BatchSummary) => void;
}

/** Reads the request body within the size limit and accounts for its bytes. */
export async function readCountedBody(
  req: IncomingMessage,
  record: RequestRecord,
  endpoint: Pick<IngestionEndpoint, 'maxBodyBytes' | 'stats'>,
): Promise<BodyReadResult> {
  const result = await readBody(req, endpoint.maxBodyBytes);
  const bytes = result.kind === 'complete' ? result.body.length : result.bytesRead;
  record.bodyBytes = bytes;
  endpoint.stats.bytesReceived += bytes;
  return result;
}

export function tooLargeReply(maxBodyBytes: number): Reply {
  // Plain text, like the server's body parser; the rest of the body is not read, so the connection is closed.
  return { ...textReply(413, `Request body exceeds the limit of ${maxBodyBytes} bytes`), closeConnection: true };
}

/** Handles `POST /api/public/ingestion` the way a Langfuse server does, and decides the answer. */
export async function handleIngestion(
  req: IncomingMessage,
  record: RequestRecord,
  endpoint: IngestionEndpoint,
  eventFault?: EventErrorsSpec,
): Promise<Reply> {
  const auth = checkBasicAuth(req.headers.authorization, endpoint.keys);
  if (!auth.ok) return messageReply(401, auth.message);

  if (!isJsonContentType(req.headers['content-type'])) {
    return messageReply(400, 'Invalid request: Content-Type must be application/json');
  }

  const read = await readCountedBody(req, record, endpoint);
  if (read.kind === 'too-large') return tooLargeReply(endpoint.maxBodyBytes);

  let body: unknown;
  try {
    body = JSON.parse(read.body.toString('utf8'));
  } catch (error) {
    // The legacy endpoint does not decode Content-Encoding: a gzipped body fails here, as it does on the server.
    const encoding = req.headers['content-encoding'];
    const hint = encoding ? ` (Content-Encoding ${encoding} is not supported on this endpoint)` : '';
    return jsonReply(400, { message: `Invalid JSON${hint}`, error: (error as Error).message });
  }

  const request = endpoint.validator.validateRequest(body);
  if (!request.valid) return jsonReply(400, { message: request.message, error: request.issues });

  record.eventCount = request.batch.length;
  const { response, summary } = ingestBatch(request.batch, endpoint.ingest, { eventFault });
  endpoint.onBatch?.(summary);
  return jsonReply(207, response);
}

function isJsonContentType(header: string | undefined): boolean {
  const mediaType = header?.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}
