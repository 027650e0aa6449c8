import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkBasicAuth, sameSecret, type ApiKeys } from '../http/auth.js';
import { readBody } from '../http/body-reader.js';
import { jsonReply, messageReply, sendReply, type Reply } from '../http/http-reply.js';
import { serveWithFault } from '../modes/fault-handler.js';
import type { FaultScript } from '../modes/fault-script.js';
import { MEDIA_CONTENT_TYPES } from './media-content-types.js';
import type { MediaStore } from './media-store.js';

export const MEDIA_API_PATH = '/api/public/media';
/**
 * Where the receiver's "presigned" upload URLs (PUT) and download URLs (GET, raw bytes) point. Each carries its own
 * random token (`?token=`), one for the upload and one for downloads, as a presigned URL carries a signature.
 */
export const MEDIA_BYTES_PREFIX = '/media-store/';

export interface MediaEndpoint {
  keys: ApiKeys;
  store: MediaStore;
  /** Largest `contentLength` a POST may announce. */
  maxMediaBytes: number;
  /** The receiver's own base URL, for the upload and download URLs it hands out. */
  selfUrl(): string;
  /** Scripted faults, one per upload (PUT). */
  uploadFaults: FaultScript;
  signal: AbortSignal;
}

/** Largest media a POST may announce (Langfuse's default limit for self-hosting is 1 GB; the receiver holds bytes in memory). */
export const DEFAULT_MAX_MEDIA_BYTES = 100 * 1024 * 1024;

const FIELDS = new Set(['input', 'output', 'metadata']);
const SHA256_BASE64 = /^[A-Za-z0-9+/]{43}=$/;

/** Serves the media API and the byte URLs; false when the path is neither (the caller routes it). */
export async function serveMedia(req: IncomingMessage, res: ServerResponse, url: URL, endpoint: MediaEndpoint): Promise<boolean> {
  const { pathname } = url;
  if (pathname.startsWith(MEDIA_BYTES_PREFIX)) {
    const mediaId = pathname.slice(MEDIA_BYTES_PREFIX.length);
    const token = url.searchParams.get('token');
    if (req.method === 'PUT') await serveUpload(req, res, mediaId, token, endpoint);
    else sendReply(res, req.method === 'GET' || req.method === 'HEAD' ? bytesReply(mediaId, token, endpoint) : methodNotAllowed('GET, HEAD, PUT'));
    return true;
  }
  if (pathname !== MEDIA_API_PATH && !pathname.startsWith(`${MEDIA_API_PATH}/`)) return false;
  const auth = checkBasicAuth(req.headers.authorization, endpoint.keys);
  if (!auth.ok) {
    sendReply(res, messageReply(401, auth.message));
    return true;
  }
  if (pathname === MEDIA_API_PATH) {
    sendReply(res, req.method === 'POST' ? await uploadUrlReply(req, endpoint) : methodNotAllowed('POST'));
    return true;
  }
  const mediaId = decodedId(pathname.slice(MEDIA_API_PATH.length + 1));
  if (mediaId === undefined) {
    sendReply(res, messageReply(400, 'Malformed media id in the path'));
    return true;
  }
  if (req.method === 'GET') sendReply(res, mediaReply(mediaId, endpoint));
  else if (req.method === 'PATCH') sendReply(res, await patchReply(req, mediaId, endpoint));
  else sendReply(res, methodNotAllowed('GET, PATCH'));
  return true;
}

/** `POST /api/public/media`: the record for these bytes and an upload URL, or none when they are already uploaded. */
async function uploadUrlReply(req: IncomingMessage, endpoint: MediaEndpoint): Promise<Reply> {
  const body = await readJson(req);
  if (!body.ok) return body.reply;
  const { traceId, observationId, contentType, contentLength, sha256Hash, field } = body.value;
  if (typeof traceId !== 'string' || traceId === '') return messageReply(400, 'traceId is required (dataset item media is not modelled by the receiver)');
  if (observationId !== undefined && observationId !== null && typeof observationId !== 'string') return messageReply(400, 'observationId must be a string');
  if (typeof contentType !== 'string' || !MEDIA_CONTENT_TYPES.has(contentType)) return messageReply(400, `Invalid content type: ${String(contentType).slice(0, 100)}`);
  if (typeof contentLength !== 'number' || !Number.isInteger(contentLength) || contentLength <= 0) return messageReply(400, 'contentLength must be a positive integer');
  if (contentLength > endpoint.maxMediaBytes) return messageReply(400, `File size must be less than ${endpoint.maxMediaBytes} bytes`);
  if (typeof sha256Hash !== 'string' || !SHA256_BASE64.test(sha256Hash)) return messageReply(400, 'sha256Hash must be the base64 SHA-256 of the content');
  if (typeof field !== 'string' || !FIELDS.has(field)) return messageReply(400, 'field must be input, output or metadata');

  const entry = endpoint.store.register(
    { contentType, contentLength, sha256Hash },
    { traceId, ...(typeof observationId === 'string' ? { observationId } : {}), field },
  );
  // As the server: no upload URL once an upload of these bytes was reported successful.
  if (entry.uploadHttpStatus === 200 && entry.contentType === contentType) return jsonReply(200, { mediaId: entry.mediaId, uploadUrl: null });
  const uploadUrl = `${endpoint.selfUrl()}${MEDIA_BYTES_PREFIX}${entry.mediaId}?token=${entry.uploadToken}`;
  return jsonReply(200, { mediaId: entry.mediaId, uploadUrl });
}

/** The upload (`PUT uploadUrl`): checked as a presigned S3 URL with a SHA-256 checksum would be. */
async function serveUpload(req: IncomingMessage, res: ServerResponse, mediaId: string, token: string | null, endpoint: MediaEndpoint): Promise<void> {
  const entry = endpoint.store.get(mediaId);
  const fault = endpoint.uploadFaults.take();
  const handle = async (): Promise<Reply> => {
    if (!entry || token === null || !sameSecret(token, entry.uploadToken)) return messageReply(403, 'SignatureDoesNotMatch');
    if (req.headers['content-type'] !== entry.contentType) return messageReply(403, 'SignatureDoesNotMatch: Content-Type differs from the one signed');
    const read = await readBody(req, entry.contentLength);
    if (read.kind === 'too-large') return { ...messageReply(400, 'EntityTooLarge'), closeConnection: true };
    const announced = req.headers['x-amz-checksum-sha256'];
    const actual = createHash('sha256').update(read.body).digest('base64');
    if (announced !== entry.sha256Hash || actual !== entry.sha256Hash) return messageReply(400, 'BadDigest: the SHA-256 checksum does not match');
    if (read.body.length !== entry.contentLength) return messageReply(400, 'IncompleteBody');
    if (!endpoint.store.storeBytes(entry, read.body)) return messageReply(507, 'the receiver holds its maximum of media bytes');
    return { status: 200, body: '' };
  };
  await serveWithFault({ res, readBody: () => readBody(req, entry?.contentLength ?? 0), handle, signal: endpoint.signal }, fault);
}

/** `PATCH /api/public/media/{id}`: the client reports the upload's result. */
async function patchReply(req: IncomingMessage, mediaId: string, endpoint: MediaEndpoint): Promise<Reply> {
  const body = await readJson(req);
  if (!body.ok) return body.reply;
  const entry = endpoint.store.get(mediaId);
  if (!entry) return messageReply(404, 'Media not found');
  const { uploadedAt, uploadHttpStatus, uploadHttpError, uploadTimeMs } = body.value;
  if (typeof uploadedAt !== 'string' || Number.isNaN(Date.parse(uploadedAt))) return messageReply(400, 'uploadedAt must be a date-time');
  if (typeof uploadHttpStatus !== 'number' || !Number.isInteger(uploadHttpStatus)) return messageReply(400, 'uploadHttpStatus must be an integer');
  entry.uploadedAt = uploadedAt;
  entry.uploadHttpStatus = uploadHttpStatus;
  entry.uploadHttpError = typeof uploadHttpError === 'string' ? uploadHttpError : null;
  entry.uploadTimeMs = typeof uploadTimeMs === 'number' ? uploadTimeMs : null;
  return { status: 204, body: '' };
}

/** `GET /api/public/media/{id}`: the record with a download URL; 404 until uploaded. */
function mediaReply(mediaId: string, endpoint: MediaEndpoint): Reply {
  const entry = endpoint.store.get(mediaId);
  if (!entry?.bytes || entry.uploadHttpStatus !== 200 || entry.uploadedAt === undefined) return messageReply(404, 'Media not found or not yet uploaded');
  return jsonReply(200, {
    mediaId: entry.mediaId,
    contentType: entry.contentType,
    contentLength: entry.contentLength,
    uploadedAt: entry.uploadedAt,
    url: `${endpoint.selfUrl()}${MEDIA_BYTES_PREFIX}${entry.mediaId}?token=${entry.downloadToken}`,
    urlExpiry: new Date(Date.now() + 3_600_000).toISOString(),
  });
}

/**
 * A download URL's bytes. Without this record's download token the answer is 403 whether or not the id exists, so
 * nobody can probe which content was uploaded (the id is a prefix of the content's hash).
 */
function bytesReply(mediaId: string, token: string | null, endpoint: MediaEndpoint): Reply {
  const entry = endpoint.store.get(mediaId);
  // Compared even for an unknown id, so the time taken does not tell either.
  const tokenOk = token !== null && sameSecret(token, entry?.downloadToken ?? '');
  if (!entry || !tokenOk) return messageReply(403, 'AccessDenied');
  if (!entry.bytes) return messageReply(404, 'NoSuchKey');
  // Same origin as the trace viewer: uploaded HTML or SVG must not run there if a browser opens this URL.
  const headers = { 'content-type': entry.contentType, 'content-security-policy': "default-src 'none'; sandbox", 'x-content-type-options': 'nosniff' };
  return { status: 200, headers, body: entry.bytes };
}

function decodedId(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

async function readJson(req: IncomingMessage): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; reply: Reply }> {
  const read = await readBody(req, 64 * 1024);
  if (read.kind === 'too-large') return { ok: false, reply: { ...messageReply(413, 'Request body too large'), closeConnection: true } };
  try {
    const value: unknown = JSON.parse(read.body.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { ok: true, value: value as Record<string, unknown> };
  } catch {
    // Answered below.
  }
  return { ok: false, reply: messageReply(400, 'Invalid request body: a JSON object is required') };
}

function methodNotAllowed(allow: string): Reply {
  return jsonReply(405, { message: 'Method Not Allowed' }, { allow });
}
