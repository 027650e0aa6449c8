import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '@otel-langfuse/test-support';
import { exportSpans, exporterFor, makeSpans } from './helpers.js';
import { useTestTransports } from './test-transports.js';
import { MAX_RESPONSE_BYTES, MAX_RESPONSE_HEADER_BYTES } from '../src/delivery/http/response-limits.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A loopback server answering every request with `handler`, after reading the request body. */
async function serve(handler: Handler): Promise<URL> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.on('connection', (socket) => socket.on('error', () => {}));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return new URL(`http://127.0.0.1:${address.port}/api/public/ingestion`);
}

const transportTo = useTestTransports();

/** Writes `chunk` as fast as the socket takes it until the client goes away. */
function endless(res: ServerResponse, chunk: Buffer): void {
  const write = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', write);
  };
  res.on('error', () => {});
  write();
}

const KIB = 1024;
const CAP = 64 * KIB;

describe('response body cap', () => {
  it('aborts an endless body past the cap and says so: response-too-large', async () => {
    let served = 0;
    const url = await serve((_req, res) => {
      res.writeHead(207, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(16 * KIB, 'x');
      res.on('close', () => undefined);
      const write = (): void => {
        while (!res.destroyed && res.write(chunk)) served += chunk.length;
        if (!res.destroyed) res.once('drain', write);
      };
      res.on('error', () => {});
      write();
    });
    const result = await transportTo(url, { maxResponseBytes: CAP }).send('{}', Date.now() + 10_000);
    expect(result).toMatchObject({ kind: 'error', reason: 'response-too-large', code: 'RESPONSE_TOO_LARGE' });
    // The server kept writing only until the client hung up, which it did soon after the cap.
    expect(served).toBeLessThan(64 * CAP);
  });

  it('aborts at once when the announced Content-Length is past the cap', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(CAP * 100) });
      res.write(Buffer.alloc(10, 'x'));
      // and then nothing: only the announcement can end this request before the deadline
    });
    const started = Date.now();
    const result = await transportTo(url, { maxResponseBytes: CAP }).send('{}', Date.now() + 5_000);
    expect(result).toMatchObject({ kind: 'error', reason: 'response-too-large' });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('counts decompressed bytes: a gzip bomb stops at the same cap', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * KIB)); // 64 MiB of zeros in ~64 KiB
    expect(bomb.length).toBeLessThan(CAP * 2);
    const url = await serve((_req, res) => {
      res.writeHead(207, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(bomb);
    });
    const before = process.memoryUsage().rss;
    const result = await transportTo(url, { maxResponseBytes: 4 * CAP }).send('{}', Date.now() + 10_000);
    expect(result).toMatchObject({ kind: 'error', reason: 'response-too-large' });
    // Nothing near the 64 MiB the bomb expands to was held.
    expect(process.memoryUsage().rss - before).toBeLessThan(48 * 1024 * KIB);
  });

  it('reads a body just under the cap in full', async () => {
    const body = JSON.stringify({ successes: [], errors: [], pad: 'x'.repeat(CAP - 100) });
    const url = await serve((_req, res) => {
      res.writeHead(207, { 'content-type': 'application/json' });
      res.end(body);
    });
    const result = await transportTo(url, { maxResponseBytes: CAP }).send('{}', Date.now() + 10_000);
    expect(result).toMatchObject({ kind: 'response', status: 207, body });
  });

  it('uses MAX_RESPONSE_BYTES by default: a body past it is aborted', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200);
      endless(res, Buffer.alloc(64 * KIB, 'y'));
    });
    const result = await transportTo(url).send('{}', Date.now() + 20_000);
    expect(result).toMatchObject({ kind: 'error', reason: 'response-too-large', message: expect.stringContaining(String(MAX_RESPONSE_BYTES)) });
  });
});

describe('response header cap', () => {
  it('headers past MAX_RESPONSE_HEADER_BYTES are refused as response-too-large', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'x-junk': 'j'.repeat(MAX_RESPONSE_HEADER_BYTES + 1_000) });
      res.end('{}');
    });
    const result = await transportTo(url).send('{}', Date.now() + 10_000);
    expect(result).toMatchObject({ kind: 'error', reason: 'response-too-large', code: 'HPE_HEADER_OVERFLOW' });
  });

  it('headers a little under the cap are read', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'x-junk': 'j'.repeat(MAX_RESPONSE_HEADER_BYTES - 2_000) });
      res.end('{}');
    });
    const result = await transportTo(url).send('{}', Date.now() + 10_000);
    expect(result).toMatchObject({ kind: 'response', status: 200 });
  });
});

describe('deadline', () => {
  it('a slow drip (a byte every 200 ms) ends by the deadline, body included', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(207);
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('x')), 200);
      res.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    const result = await transportTo(url).send('{}', Date.now() + 1_000);
    expect(result).toMatchObject({ kind: 'error', reason: 'deadline' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('the largest legitimate answer fits', () => {
  let receiver: TestReceiver | undefined;
  afterAll(async () => {
    await receiver?.close();
  });

  it('a 207 refusing every event of a full batch of the smallest events is well under the cap', async () => {
    receiver = await startTestReceiver({ mode: 'v4-events-only' });
    const target = new URL(receiver.url);
    const sizes: { request: number; response: number }[] = [];
    // A pass-through proxy that measures each request and its answer.
    const proxy = await serve(() => undefined);
    const proxyServer = servers[servers.length - 1]!;
    proxyServer.removeAllListeners('request');
    proxyServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const upstream = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        let response = 0;
        answer.on('data', (chunk: Buffer) => (response += chunk.length));
        answer.on('end', () => sizes.push({ request: Number(req.headers['content-length'] ?? 0), response }));
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    // Bare root spans (no attributes): the smallest events the exporter makes, enough for more than one full batch.
    const exporter = exporterFor(receiver, { baseUrl: proxy.origin, transport: 'ingestion' });
    await exportSpans(exporter, makeSpans(6_500));
    await exporter.shutdown();
    const full = sizes.reduce((a, b) => (b.request > a.request ? b : a));
    expect(full.request).toBeGreaterThan(3_000_000);
    const ratio = full.response / full.request;
    console.log(`[response-limits] full batch ${full.request} B → 207 answer ${full.response} B (${ratio.toFixed(2)} B of answer per B of batch)`);
    expect(full.response).toBeLessThan(MAX_RESPONSE_BYTES / 2);
  }, 60_000);
});
