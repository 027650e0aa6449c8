import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { checkBasicAuth, type ApiKeys } from '../http/auth.js';
import { jsonReply, messageReply, type Reply } from '../http/http-reply.js';
import { readCountedBody, tooLargeReply } from '../ingestion/ingestion-handler.js';
import { decodeOtlpRequest, type OtlpFormat } from './otlp-decode.js';
import type { OtlpIngestor, OtlpIngestResult } from './otlp-ingest.js';
import { OtlpDecodeError, countSpans, invalidSpanIdReason } from './otlp-model.js';
import { otlpMessageTypes } from './otlp-schema.js';
import type { BatchSummary } from '../config/receiver-options.js';
import type { ReceiverStats } from '../store/receiver-stats.js';
import type { RequestRecord } from '../http/request-log.js';

export const OTLP_TRACES_PATH = '/api/public/otel/v1/traces';

const PROTOBUF_MEDIA_TYPE = 'application/x-protobuf';
const JSON_MEDIA_TYPE = 'application/json';

const gunzipAsync = promisify(gunzip);

export interface OtlpEndpoint {
  keys: ApiKeys;
  /** Limits the body as sent and, for a gzipped body, as decompressed. */
  maxBodyBytes: number;
  stats: ReceiverStats;
  ingestor: OtlpIngestor;
  onBatch?: (summary: BatchSummary) => void;
}

/** Handles `POST /api/public/otel/v1/traces` the way a Langfuse server does, and decides the answer. */
export async function handleOtlp(req: IncomingMessage, record: RequestRecord, endpoint: OtlpEndpoint): Promise<Reply> {
  const auth = checkBasicAuth(req.headers.authorization, endpoint.keys);
  if (!auth.ok) return messageReply(401, auth.message);

  const format = otlpFormat(req.headers['content-type']);
  if (format === undefined) {
    return messageReply(415, `Unsupported Content-Type: use ${PROTOBUF_MEDIA_TYPE} or ${JSON_MEDIA_TYPE}`);
  }
  const encoding = contentEncoding(req.headers['content-encoding']);
  if (encoding === undefined) return messageReply(415, 'Unsupported Content-Encoding: use gzip or none');

  const read = await readCountedBody(req, record, endpoint);
  if (read.kind === 'too-large') return tooLargeReply(endpoint.maxBodyBytes);

  let body: Uint8Array = read.body;
  if (encoding === 'gzip') {
    try {
      body = await gunzipAsync(read.body, { maxOutputLength: endpoint.maxBodyBytes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        // The whole compressed body was read: the connection can stay open.
        return { ...tooLargeReply(endpoint.maxBodyBytes), closeConnection: false };
      }
      return jsonReply(400, { message: 'Invalid gzip body', error: (error as Error).message });
    }
  }

  let request;
  try {
    request = decodeOtlpRequest(body, format);
  } catch (error) {
    if (!(error instanceof OtlpDecodeError)) throw error;
    return jsonReply(400, { message: error.message });
  }
  record.spanCount = countSpans(request);
  const invalidId = invalidSpanIdReason(request);
  if (invalidId !== undefined) return jsonReply(400, { message: `Invalid OTLP request: ${invalidId}` });

  const result = endpoint.ingestor.ingest(request);
  record.eventCount = result.summary.received;
  endpoint.onBatch?.(result.summary);
  return successReply(format, result);
}

/** 200 with an ExportTraceServiceResponse: empty, or with partialSuccess when spans were not stored. */
function successReply(format: OtlpFormat, result: OtlpIngestResult): Reply {
  const partialSuccess =
    result.errorMessage === undefined && result.rejectedSpans === 0
      ? undefined
      : { rejectedSpans: result.rejectedSpans, errorMessage: result.errorMessage ?? '' };
  if (format === 'json') {
    // proto3 JSON writes int64 as a decimal string.
    return jsonReply(
      200,
      partialSuccess === undefined ? {} : { partialSuccess: { ...partialSuccess, rejectedSpans: String(partialSuccess.rejectedSpans) } },
    );
  }
  const { response } = otlpMessageTypes();
  const bytes = response.encode(response.fromObject(partialSuccess === undefined ? {} : { partialSuccess })).finish();
  return {
    status: 200,
    headers: { 'content-type': PROTOBUF_MEDIA_TYPE },
    body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  };
}

function otlpFormat(header: string | undefined): OtlpFormat | undefined {
  const mediaType = header?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === PROTOBUF_MEDIA_TYPE) return 'protobuf';
  if (mediaType === JSON_MEDIA_TYPE) return 'json';
  return undefined;
}

function contentEncoding(header: string | undefined): 'gzip' | 'identity' | undefined {
  const value = header?.trim().toLowerCase() ?? '';
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  return undefined;
}
