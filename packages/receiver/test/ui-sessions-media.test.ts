import { describe, expect, it } from 'vitest';
import type { TraceView } from '../src/http/read-api.js';
import type { SessionView } from '../src/viewer/session-view.js';
import { generationCreate, spanCreate, traceCreate } from './event-builders.js';
import { basicAuth, ingest } from './ingestion-client.js';
import { useReceiver } from './use-receiver.js';
import { mediaReference, solidPng, storeMedia } from './viewer-fixtures.js';

// The viewer's session and media endpoints over HTTP.

const receiver = useReceiver();

async function session(id: string): Promise<Response> {
  return fetch(`${receiver().url}/api/receiver/sessions/${encodeURIComponent(id)}`);
}

describe('GET /api/receiver/sessions/:id', () => {
  it('lists the session traces oldest first (not in arrival order) with their sums; other sessions left out', async () => {
    await ingest(receiver(), [
      traceCreate({ id: 'third', sessionId: 'chat/1', timestamp: '2024-05-01T10:02:00.000Z' }),
      traceCreate({ id: 'first', sessionId: 'chat/1', timestamp: '2024-05-01T10:00:00.000Z' }),
      generationCreate({
        id: 'g',
        traceId: 'first',
        startTime: '2024-05-01T10:00:00.000Z',
        endTime: '2024-05-01T10:00:01.000Z',
        usageDetails: { input: 10, output: 5 },
        costDetails: { total: 0.25 },
      }),
      traceCreate({ id: 'second', sessionId: 'chat/1', timestamp: '2024-05-01T10:01:00.000Z' }),
      spanCreate({ id: 's', traceId: 'second', startTime: '2024-05-01T10:01:00.000Z', endTime: '2024-05-01T10:01:02.000Z' }),
      traceCreate({ id: 'elsewhere', sessionId: 'chat/2', timestamp: '2024-05-01T10:00:30.000Z' }),
    ]);
    const response = await session('chat/1');
    expect(response.status).toBe(200);
    const view = (await response.json()) as SessionView;
    expect(view.traces.map((row) => row.id)).toEqual(['first', 'second', 'third']);
    expect(view).toMatchObject({ sessionId: 'chat/1', total: 3, totalTokens: 15, totalCost: 0.25, startTime: '2024-05-01T10:00:00.000Z' });
    expect(view.durationMs).toBe(120_000);
  });

  it('404 for an unknown session, an empty id, or a path with more segments; 405 for other methods', async () => {
    await ingest(receiver(), [traceCreate({ id: 't', sessionId: 's' })]);
    expect((await session('nope')).status).toBe(404);
    expect((await fetch(`${receiver().url}/api/receiver/sessions/`)).status).toBe(404);
    expect((await fetch(`${receiver().url}/api/receiver/sessions/s/t`)).status).toBe(404);
    expect((await fetch(`${receiver().url}/api/receiver/sessions/s`, { method: 'POST' })).status).toBe(405);
  });
});

describe('media in the viewer API', () => {
  it('trace-views lists the referenced media the receiver holds; /media/:id serves an image inline, sandboxed', async () => {
    const png = solidPng(4, 3, [200, 30, 30]);
    const mediaId = await storeMedia(receiver(), png, 'image/png', 'with-media');
    await ingest(receiver(), [
      traceCreate({ id: 'with-media', input: { prompt: `look ${mediaReference(mediaId, 'image/png')}` } }),
      generationCreate({ id: 'g', traceId: 'with-media', output: { note: mediaReference('not-here', 'audio/wav') } }),
    ]);
    const view = (await (await fetch(`${receiver().url}/api/receiver/trace-views/with-media`)).json()) as TraceView;
    expect(view.media).toEqual({ [mediaId]: { contentType: 'image/png', contentLength: png.length, stored: true } });

    const image = await fetch(`${receiver().url}/api/receiver/media/${mediaId}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true);
    expect((await fetch(`${receiver().url}/api/receiver/media/not-here`)).status).toBe(404);
  });

  it('anything but a raster image (SVG, HTML, audio) is served as an attachment of type application/octet-stream', async () => {
    for (const [contentType, body] of [
      ['image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
      ['text/html', '<script>alert(1)</script>'],
      ['audio/wav', 'RIFF....WAVE'],
    ] as const) {
      const mediaId = await storeMedia(receiver(), Buffer.from(body), contentType, 't');
      const response = await fetch(`${receiver().url}/api/receiver/media/${mediaId}`);
      expect(response.headers.get('content-type'), contentType).toBe('application/octet-stream');
      expect(response.headers.get('content-disposition'), contentType).toMatch(/^attachment; filename="[\w-]+"$/);
      expect(response.headers.get('content-security-policy'), contentType).toContain('sandbox');
      // The media API's own download URL is on the viewer's origin too: sandboxed as well.
      const record = await fetch(`${receiver().url}/api/public/media/${mediaId}`, { headers: { authorization: basicAuth(receiver().publicKey, receiver().secretKey) } });
      const download = await fetch(((await record.json()) as { url: string }).url);
      expect(download.status, contentType).toBe(200);
      expect(download.headers.get('content-security-policy'), contentType).toBe("default-src 'none'; sandbox");
      expect(download.headers.get('x-content-type-options'), contentType).toBe('nosniff');
    }
  });
});

describe('ids named like properties of Object (__proto__, constructor)', () => {
  it('trace-views rolls them up under their own ids, and lists no media for references to such ids', async () => {
    await ingest(receiver(), [
      traceCreate({ id: 'proto-ids', input: `${mediaReference('constructor', 'image/png')} ${mediaReference('__proto__', 'image/png')}` }),
      generationCreate({ id: '__proto__', traceId: 'proto-ids', usageDetails: { input: 3, output: 4 } }),
      generationCreate({ id: 'constructor', traceId: 'proto-ids', parentObservationId: '__proto__', usageDetails: { input: 1, output: 1 } }),
    ]);
    const response = await fetch(`${receiver().url}/api/receiver/trace-views/proto-ids`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const view = JSON.parse(text) as TraceView;
    expect(Object.keys(view.rollups.observations).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(view.rollups.observations, '__proto__')?.value).toMatchObject({ own: { tokens: 7 }, subtree: { tokens: 9 } });
    expect(view.rollups.observations['constructor']).toMatchObject({ own: { tokens: 2 }, subtree: { tokens: 2 } });
    expect(Object.keys(view.media)).toEqual([]);
  });
});
