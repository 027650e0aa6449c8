import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useReceiver } from './use-receiver.js';

const receiver = useReceiver();
const BYTES = randomBytes(5000);
const SHA = createHash('sha256').update(BYTES).digest('base64');

const auth = () => `Basic ${Buffer.from(`${receiver().publicKey}:${receiver().secretKey}`).toString('base64')}`;

function api(method: string, path: string, body?: unknown, authorization: string | null = auth()) {
  return fetch(`${receiver().url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const request = (overrides: Record<string, unknown> = {}) => ({
  traceId: 't-1',
  observationId: 'o-1',
  contentType: 'image/png',
  contentLength: BYTES.length,
  sha256Hash: SHA,
  field: 'input',
  ...overrides,
});

async function register(overrides: Record<string, unknown> = {}): Promise<{ mediaId: string; uploadUrl: string | null }> {
  const response = await api('POST', '/api/public/media', request(overrides));
  expect(response.status).toBe(200);
  return (await response.json()) as { mediaId: string; uploadUrl: string | null };
}

const put = (url: string, body: Buffer, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'PUT', body, headers: { 'content-type': 'image/png', 'x-amz-checksum-sha256': SHA, ...headers } });

const patch = (mediaId: string, uploadHttpStatus = 200) =>
  api('PATCH', `/api/public/media/${mediaId}`, { uploadedAt: new Date().toISOString(), uploadHttpStatus, uploadTimeMs: 3 });

describe('media API', () => {
  it('POST, PUT, PATCH; then the record and the bytes are served; the same bytes again get no upload URL', async () => {
    const first = await register();
    // The id is the hash's first 22 URL-safe characters, as the server makes it (Langfuse's SDKs check it).
    expect(first.mediaId).toBe(SHA.replace(/\+/g, '-').replace(/\//g, '_').slice(0, 22));
    expect(first.uploadUrl).toMatch(new RegExp(`^${receiver().url}/media-store/${first.mediaId}\\?token=`));
    expect((await put(first.uploadUrl!, BYTES)).status).toBe(200);
    expect((await patch(first.mediaId)).status).toBe(204);

    const record = await api('GET', `/api/public/media/${first.mediaId}`);
    expect(record.status).toBe(200);
    const body = (await record.json()) as { url: string; contentType: string; contentLength: number };
    expect(body).toMatchObject({ mediaId: first.mediaId, contentType: 'image/png', contentLength: BYTES.length });
    const download = await fetch(body.url);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await download.arrayBuffer()).equals(BYTES)).toBe(true);

    const second = await register({ traceId: 't-2', observationId: undefined, field: 'output' });
    expect(second).toEqual({ mediaId: first.mediaId, uploadUrl: null });
    const [stored] = receiver().media();
    expect(stored!.links).toEqual([
      { traceId: 't-1', observationId: 'o-1', field: 'input' },
      { traceId: 't-2', field: 'output' },
    ]);
    expect(stored!.bytes?.equals(BYTES)).toBe(true);
  });

  it('refuses what the server refuses: no auth, an unknown content type or field, a bad hash or length', async () => {
    expect((await api('POST', '/api/public/media', request(), null)).status).toBe(401);
    expect((await api('POST', '/api/public/media', request(), 'Basic ' + Buffer.from('pk:wrong').toString('base64'))).status).toBe(401);
    for (const bad of [{ contentType: 'image/x-unknown' }, { field: 'expectedOutput' }, { sha256Hash: 'abc' }, { contentLength: 0 }, { contentLength: 1.5 }, { traceId: undefined }]) {
      expect((await api('POST', '/api/public/media', request(bad))).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await api('PATCH', '/api/public/media/unknown', { uploadedAt: new Date().toISOString(), uploadHttpStatus: 200 })).status).toBe(404);
    expect((await api('GET', '/api/public/media/unknown')).status).toBe(404);
    expect(receiver().media()).toEqual([]);
  });

  it('checks an upload like a presigned URL with a checksum: token, content type, checksum, bytes', async () => {
    const { mediaId, uploadUrl } = await register();
    const url = new URL(uploadUrl!);
    const wrongToken = `${url.origin}${url.pathname}?token=nope`;
    expect((await put(wrongToken, BYTES)).status).toBe(403);
    expect((await put(uploadUrl!, BYTES, { 'content-type': 'image/jpeg' })).status).toBe(403);
    expect((await put(uploadUrl!, BYTES, { 'x-amz-checksum-sha256': createHash('sha256').update('other').digest('base64') })).status).toBe(400);
    const tampered = Buffer.from(BYTES);
    tampered[0] = (tampered[0]! + 1) % 256;
    expect((await put(uploadUrl!, tampered)).status).toBe(400);
    expect(receiver().media()[0]!.bytes).toBeUndefined();
    // Not uploaded yet: no record to read, and a new POST gets an upload URL again.
    expect((await api('GET', `/api/public/media/${mediaId}`)).status).toBe(404);
    expect((await register()).uploadUrl).not.toBeNull();
  });

  it('the download URL carries its own token: without it, with a wrong one or with the upload token, the bytes are refused', async () => {
    const { mediaId, uploadUrl } = await register();
    expect((await put(uploadUrl!, BYTES)).status).toBe(200);
    expect((await patch(mediaId)).status).toBe(204);
    const { url } = (await (await api('GET', `/api/public/media/${mediaId}`)).json()) as { url: string };
    const download = new URL(url);
    expect(download.searchParams.get('token')).toMatch(/^[0-9a-f]{32}$/);
    expect(download.searchParams.get('token')).not.toBe(new URL(uploadUrl!).searchParams.get('token'));
    const bare = `${download.origin}${download.pathname}`;
    // The id is a prefix of the content's hash: anyone who can guess the content could otherwise probe for it.
    for (const attempt of [bare, `${bare}?token=`, `${bare}?token=${'0'.repeat(32)}`, `${bare}?${new URL(uploadUrl!).searchParams}`]) {
      expect((await fetch(attempt)).status, attempt).toBe(403);
      expect((await fetch(attempt, { method: 'HEAD' })).status, attempt).toBe(403);
    }
    // An unknown id answers as a known one without the token: nothing tells whether it exists.
    expect((await fetch(`${download.origin}/media-store/AAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(403);
    const bytes = await fetch(url);
    expect(bytes.status).toBe(200);
    expect(Buffer.from(await bytes.arrayBuffer()).equals(BYTES)).toBe(true);
  });

  it('a record path with malformed percent-encoding gets 400, not a server error', async () => {
    for (const path of ['/api/public/media/%E0%A4%A', '/api/public/media/%zz']) {
      expect((await api('GET', path)).status, path).toBe(400);
      expect((await api('PATCH', path, { uploadedAt: new Date().toISOString(), uploadHttpStatus: 200 })).status, path).toBe(400);
    }
  });

  it('an upload token that differs only in length or in its last character is refused', async () => {
    const { uploadUrl } = await register();
    const url = new URL(uploadUrl!);
    const token = url.searchParams.get('token')!;
    const last = token.at(-1) === '0' ? '1' : '0';
    for (const wrong of [token.slice(0, -1), `${token}0`, `${token.slice(0, -1)}${last}`]) {
      expect((await put(`${url.origin}${url.pathname}?token=${wrong}`, BYTES)).status, wrong).toBe(403);
    }
    expect(receiver().media()[0]!.bytes).toBeUndefined();
  });

  it('scripted upload faults apply to the PUT', async () => {
    receiver().mediaUploadFaults.push({ status: 503 });
    const { uploadUrl } = await register();
    expect((await put(uploadUrl!, BYTES)).status).toBe(503);
    expect((await put(uploadUrl!, BYTES)).status).toBe(200);
  });
});
