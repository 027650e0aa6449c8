import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { startReceiver } from '../src/index.js';
import { spanCreate, traceCreate } from './event-builders.js';
import { INGESTION, basicAuth, ingest, postBatch, postRaw } from './ingestion-client.js';
import { useReceiver } from './use-receiver.js';

const SECRET = 'sk-lf-very-secret-0123456789';

describe('HTTP endpoints', () => {
  const receiver = useReceiver({ publicKey: 'pk-lf-test', secretKey: SECRET });

  it('listens on loopback with an ephemeral port and a URL without a trailing slash', () => {
    expect(receiver().port).toBeGreaterThan(0);
    expect(receiver().url).toBe(`http://127.0.0.1:${receiver().port}`);
    expect(receiver().publicKey).toBe('pk-lf-test');
  });

  it('answers 401 JSON without a header, and for a wrong secret without echoing any secret', async () => {
    const missing = await fetch(`${receiver().url}${INGESTION}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ batch: [traceCreate()] }),
    });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { message: string }).message).toMatch(/authorization/i);

    const wrongSecret = 'sk-lf-wrong-secret-987';
    const wrong = await postBatch(receiver(), [traceCreate()], { authorization: basicAuth('pk-lf-test', wrongSecret) });
    expect(wrong.status).toBe(401);
    const text = await wrong.text();
    expect((JSON.parse(text) as { message: string }).message).toMatch(/credentials/i);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(wrongSecret);
    expect(receiver().events()).toEqual([]);
  });

  it('refuses a Bearer public key and a wrong public key with the right secret', async () => {
    const bearer = await postBatch(receiver(), [traceCreate()], { authorization: 'Bearer pk-lf-test' });
    expect(bearer.status).toBe(401);
    const wrongPublic = await postBatch(receiver(), [traceCreate()], { authorization: basicAuth('pk-lf-other', SECRET) });
    expect(wrongPublic.status).toBe(401);
    expect(await wrongPublic.text()).not.toContain(SECRET);
  });

  it('redacts the authorization header in the request log', async () => {
    await ingest(receiver(), [traceCreate()]);
    const [record] = receiver().requests();
    expect(record?.headers.authorization).toBe('REDACTED');
    expect(JSON.stringify(receiver().requests())).not.toContain(Buffer.from(`pk-lf-test:${SECRET}`).toString('base64'));
  });

  it('answers 405 with Allow for other methods on the ingestion path', async () => {
    const response = await fetch(`${receiver().url}${INGESTION}`, { method: 'GET' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    const put = await fetch(`${receiver().url}${INGESTION}`, { method: 'PUT', body: '{}' });
    expect(put.status).toBe(405);
  });

  it('answers 404 for unknown paths', async () => {
    expect((await fetch(`${receiver().url}/nope`)).status).toBe(404);
    expect((await fetch(`${receiver().url}/api/public/otel/v1/logs`, { method: 'POST', body: '' })).status).toBe(404);
    expect((await fetch(`${receiver().url}/api/receiver/nope`)).status).toBe(404);
    expect(receiver().requests().map((record) => record.endpoint)).toEqual(['other', 'other']);
  });

  it('answers GET /api/public/health with status OK and a version', async () => {
    const response = await fetch(`${receiver().url}/api/public/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; version: string };
    expect(body.status).toBe('OK');
    expect(body.version).toMatch(/^3\.\d+\.\d+$/);
  });

  it('answers 400 JSON for a body that is not JSON', async () => {
    const response = await postRaw(receiver(), 'not json{', {
      authorization: basicAuth('pk-lf-test', SECRET),
      'content-type': 'application/json',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/Invalid JSON/);
  });

  it('answers 400 for a gzipped body, like invalid JSON', async () => {
    const response = await postRaw(receiver(), gzipSync(JSON.stringify({ batch: [traceCreate()] })), {
      authorization: basicAuth('pk-lf-test', SECRET),
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { message: string };
    expect(body.message).toMatch(/Invalid JSON/);
    expect(body.message).toMatch(/gzip/);
    expect(receiver().events()).toEqual([]);
  });

  it('answers 400 for a content type other than application/json', async () => {
    const response = await postRaw(receiver(), JSON.stringify({ batch: [traceCreate()] }), {
      authorization: basicAuth('pk-lf-test', SECRET),
      'content-type': 'text/plain',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/Content-Type/);
  });

  it.each([
    ['an array', '[]', 'request body must be object'],
    ['no batch', '{"events": []}', 'batch is required'],
    ['a batch that is not an array', '{"batch": {}}', 'batch must be array'],
  ])('answers 400 naming the problem for %s', async (_name, body, expected) => {
    const response = await postRaw(receiver(), body, {
      authorization: basicAuth('pk-lf-test', SECRET),
      'content-type': 'application/json; charset=utf-8',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain(expected);
  });

  it('counts bytes and records every request except the read API', async () => {
    const body = JSON.stringify({ batch: [traceCreate()] });
    await postRaw(receiver(), body, { authorization: basicAuth('pk-lf-test', SECRET), 'content-type': 'application/json' });
    await fetch(`${receiver().url}/api/public/health`);
    await fetch(`${receiver().url}/api/receiver/stats`);
    expect(receiver().stats().requests).toBe(2);
    expect(receiver().stats().bytesReceived).toBe(Buffer.byteLength(body));
    expect(receiver().requests().map((record) => [record.method, record.path, record.endpoint, record.status])).toEqual([
      ['POST', INGESTION, 'ingestion', 207],
      ['GET', '/api/public/health', 'health', 200],
    ]);
    expect(receiver().requests()[0]?.eventCount).toBe(1);
  });
});

describe('body size limit', () => {
  it('answers 413 plain text over maxBodyBytes, and stays usable', async () => {
    const receiver = await startReceiver({ maxBodyBytes: 2000 });
    try {
      const response = await postBatch(receiver, [traceCreate({ input: 'x'.repeat(3000) })]);
      expect(response.status).toBe(413);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toContain('2000');
      expect(receiver.events()).toEqual([]);

      const ok = await ingest(receiver, [traceCreate()]);
      expect(ok.successes).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('stops reading a chunked body once it passes the limit', async () => {
    const receiver = await startReceiver({ maxBodyBytes: 10_000 });
    try {
      const chunk = new TextEncoder().encode('x'.repeat(4000));
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 10; i++) controller.enqueue(chunk);
          controller.close();
        },
      });
      const response = await fetch(`${receiver.url}${INGESTION}`, {
        method: 'POST',
        headers: { authorization: basicAuth(), 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(receiver.requests()[0]?.bodyBytes).toBeLessThan(40_000);
    } finally {
      await receiver.close();
    }
  });

  it('defaults to the server limit of 4.5 MiB', async () => {
    const receiver = await startReceiver();
    try {
      const justOver = 4.5 * 1024 * 1024 + 1 - JSON.stringify({ batch: [''] }).length;
      const response = await postBatch(receiver, ['x'.repeat(justOver)]);
      expect(response.status).toBe(413);
      const under = await postBatch(receiver, [spanCreate({ input: 'x'.repeat(4 * 1024 * 1024) })]);
      expect(under.status).toBe(207);
    } finally {
      await receiver.close();
    }
  });
});
