import { get, type IncomingMessage } from 'node:http';
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkLangfuse } from '@otel-langfuse/exporter';
import { afterEach, describe, expect, it } from 'vitest';
import type { TraceRow, TraceRowPage } from '../src/traces/trace-row.js';
import type { TraceView } from '../src/http/read-api.js';
import { startReceiver, type Receiver } from '../src/index.js';
import { envelope, generationCreate, scoreCreate, spanCreate, traceCreate } from './event-builders.js';
import { ingest } from './ingestion-client.js';
import { useReceiver } from './use-receiver.js';

// The browser trace viewer as served over HTTP: the page and its files, the live feed, the JSON it reads.

const VIEWER_FILES = fileURLToPath(new URL('../viewer/', import.meta.url));

interface LiveEvent {
  event: string;
  data: string;
}

/** Subscribes to /api/receiver/live and collects its server-sent events. */
async function openLiveFeed(url: string): Promise<{ response: IncomingMessage; next(match: (e: LiveEvent) => boolean): Promise<LiveEvent>; close(): void }> {
  const response = await new Promise<IncomingMessage>((resolve, reject) => get(`${url}/api/receiver/live`, resolve).on('error', reject));
  const seen: LiveEvent[] = [];
  const waiters: { match: (e: LiveEvent) => boolean; resolve: (e: LiveEvent) => void }[] = [];
  let buffer = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event === undefined || data === undefined) continue;
      const live = { event, data };
      seen.push(live);
      for (const waiter of [...waiters]) if (waiter.match(live)) waiter.resolve(live);
    }
  });
  return {
    response,
    next: (match) =>
      new Promise((resolve) => {
        const earlier = seen.find(match);
        if (earlier) resolve(earlier);
        else waiters.push({ match, resolve });
      }),
    close: () => response.destroy(),
  };
}

async function rows(receiver: Receiver, query = ''): Promise<TraceRowPage> {
  const response = await fetch(`${receiver.url}/api/receiver/trace-rows${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as TraceRowPage;
}

describe('the trace viewer page', () => {
  const receiver = useReceiver();

  it('is served at / as HTML with a content security policy that allows nothing from elsewhere', async () => {
    const response = await fetch(`${receiver().url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/viewer/app.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/viewer/styles.css">');
  });

  it('serves every file of the viewer folder with its content type; every module import resolves to one of them', async () => {
    const files = readdirSync(VIEWER_FILES).filter((name) => name !== 'index.html');
    expect(files).toEqual(expect.arrayContaining(['app.js', 'styles.css', 'trace-view.js', 'list-view.js', 'chat-view.js']));
    for (const name of files) {
      const response = await fetch(`${receiver().url}/viewer/${name}`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type'), name).toBe(name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
      const text = await response.text();
      for (const [, imported] of text.matchAll(/from '\.\/([^']+)'/g)) expect(files, `${name} imports ${imported}`).toContain(imported);
    }
    expect((await fetch(`${receiver().url}/viewer/missing.js`)).status).toBe(404);
    expect((await fetch(`${receiver().url}/viewer/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${receiver().url}/`, { method: 'POST' })).status).toBe(405);
  });

  it('references nothing outside the receiver and never builds HTML from strings', async () => {
    for (const name of readdirSync(VIEWER_FILES)) {
      const text = await (await fetch(`${receiver().url}/${name === 'index.html' ? '' : `viewer/${name}`}`)).text();
      expect(text, name).not.toMatch(/https?:\/\/|["'(]\/\/|@import/);
      expect(text, name).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    }
  });
});

describe('the viewer JSON endpoints', () => {
  const receiver = useReceiver();

  it('trace-rows: one row per trace with totals summed over its observations, newest first', async () => {
    await ingest(receiver(), [
      traceCreate({ id: 'old', name: 'old one', userId: 'u1', sessionId: 's1', tags: ['b', 'a'], release: 'r1', timestamp: '2024-05-01T10:00:00.000Z' }),
      spanCreate({ id: 'root', traceId: 'old', startTime: '2024-05-01T10:00:00.000Z', endTime: '2024-05-01T10:00:02.000Z' }),
      generationCreate({ id: 'g1', traceId: 'old', parentObservationId: 'root', costDetails: { total: 0.25 } }),
      generationCreate({ id: 'g2', traceId: 'old', parentObservationId: 'root', usageDetails: { input: 1, output: 2 }, costDetails: { total: 0.5 }, level: 'ERROR', statusMessage: 'boom' }),
      traceCreate({ id: 'new', name: 'new one', environment: 'staging', timestamp: '2024-05-02T10:00:00.000Z' }),
      scoreCreate({ traceId: 'old' }),
    ]);
    const page = await rows(receiver());
    expect(page.total).toBe(2);
    expect(page.offset).toBe(0);
    expect(page.limit).toBe(50);
    expect(page.rows.map((row) => row.id)).toEqual(['new', 'old']);
    expect(page.rows[1]).toEqual({
      id: 'old',
      name: 'old one',
      userId: 'u1',
      sessionId: 's1',
      tags: ['a', 'b'],
      environment: 'production',
      release: 'r1',
      startTime: '2024-05-01T10:00:00.000Z',
      durationMs: 2000,
      observationCount: 3,
      scoreCount: 1,
      totalTokens: 18,
      totalCost: 0.75,
      level: 'ERROR',
      errorCount: 1,
    } satisfies TraceRow);
    expect(page.rows[0]).not.toHaveProperty('totalCost'); // no event carried a cost: none is invented
  });

  it('trace-rows: pages and filters by text, user, session, tag, environment and level; bad parameters get 400', async () => {
    const batch = [];
    for (let i = 0; i < 120; i++) {
      const id = `t-${String(i).padStart(3, '0')}`;
      batch.push(
        traceCreate({
          id,
          name: i % 10 === 0 ? `special ${i}` : `plain ${i}`,
          userId: `user-${i % 3}`,
          sessionId: `session-${i % 4}`,
          tags: i % 2 === 0 ? ['even'] : ['odd'],
          environment: i < 100 ? 'production' : 'staging',
          timestamp: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
        }),
      );
      if (i % 7 === 0) batch.push(spanCreate({ traceId: id, level: i % 14 === 0 ? 'ERROR' : 'WARNING', startTime: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(), endTime: new Date(Date.UTC(2024, 0, 1) + i * 1000 + 5).toISOString() }));
    }
    await ingest(receiver(), batch);
    const last = await rows(receiver(), '?offset=100&limit=50');
    expect(last.total).toBe(120);
    expect(last.rows.map((row) => row.id)).toEqual(Array.from({ length: 20 }, (_, i) => `t-${String(19 - i).padStart(3, '0')}`));
    expect((await rows(receiver(), '?limit=3')).rows.map((row) => row.id)).toEqual(['t-119', 't-118', 't-117']);
    expect((await rows(receiver(), '?text=SPECIAL&limit=500')).total).toBe(12);
    expect((await rows(receiver(), '?userId=user-1&limit=500')).rows.every((row) => row.userId === 'user-1')).toBe(true);
    expect((await rows(receiver(), '?userId=user-1')).total).toBe(40);
    expect((await rows(receiver(), '?sessionId=session-2')).total).toBe(30);
    expect((await rows(receiver(), '?tag=odd')).total).toBe(60);
    expect((await rows(receiver(), '?environment=staging')).total).toBe(20);
    expect((await rows(receiver(), '?level=ERROR')).total).toBe(9); // i = 0, 14, ..., 112
    expect((await rows(receiver(), '?level=WARNING')).total).toBe(18); // every multiple of 7
    expect((await rows(receiver(), '?tag=odd&environment=staging&userId=user-0')).rows.map((row) => row.id)).toEqual(['t-117', 't-111', 't-105']);
    for (const query of ['?limit=0', '?limit=501', '?offset=-1', '?limit=x', '?level=FATAL']) {
      const response = await fetch(`${receiver().url}/api/receiver/trace-rows${query}`);
      expect(response.status, query).toBe(400);
    }
  });

  it('trace-rows stays correct with 10,000 traces: totals, newest first, the last page', async () => {
    for (let chunk = 0; chunk < 10; chunk++) {
      const batch = Array.from({ length: 1000 }, (_, j) => {
        const i = chunk * 1000 + j;
        return traceCreate({ id: `bulk-${i}`, name: `bulk ${i}`, timestamp: new Date(Date.UTC(2024, 0, 1) + i).toISOString() });
      });
      await ingest(receiver(), batch);
    }
    const first = await rows(receiver(), '?limit=2');
    expect(first.total).toBe(10_000);
    expect(first.rows.map((row) => row.id)).toEqual(['bulk-9999', 'bulk-9998']);
    const lastPage = await rows(receiver(), '?offset=9950&limit=50');
    expect(lastPage.rows).toHaveLength(50);
    expect(lastPage.rows.at(-1)?.id).toBe('bulk-0');
    await ingest(receiver(), [spanCreate({ traceId: 'bulk-0', name: 'late', startTime: '2025-01-01T00:00:00.000Z', endTime: '2025-01-01T00:00:01.000Z' })]);
    const updated = await rows(receiver(), '?limit=1');
    expect(updated.rows[0]).toMatchObject({ id: 'bulk-0', observationCount: 1 }); // the cached row was refreshed
  }, 60_000);

  it('trace-views/:id: the assembled trace with tokens and cost rolled up the tree; 404 when unknown', async () => {
    await ingest(receiver(), [
      traceCreate({ id: 'tree', name: 'tree' }),
      spanCreate({ id: 'root', traceId: 'tree' }),
      spanCreate({ id: 'middle', traceId: 'tree', parentObservationId: 'root' }),
      generationCreate({ id: 'leaf-1', traceId: 'tree', parentObservationId: 'middle', usageDetails: { input: 10, output: 5 }, costDetails: { total: 0.1 } }),
      generationCreate({ id: 'leaf-2', traceId: 'tree', parentObservationId: 'root', usageDetails: { input: 3, output: 4 }, costDetails: {} }),
      spanCreate({ id: 'other-root', traceId: 'tree' }),
    ]);
    const response = await fetch(`${receiver().url}/api/receiver/trace-views/tree`);
    expect(response.status).toBe(200);
    const view = (await response.json()) as TraceView;
    expect(view.trace).toEqual(receiver().trace('tree'));
    expect(view.rollups.observations).toEqual({
      root: { own: { tokens: 0 }, subtree: { tokens: 22, cost: 0.1 } },
      middle: { own: { tokens: 0 }, subtree: { tokens: 15, cost: 0.1 } },
      'leaf-1': { own: { tokens: 15, cost: 0.1 }, subtree: { tokens: 15, cost: 0.1 } },
      'leaf-2': { own: { tokens: 7 }, subtree: { tokens: 7 } },
      'other-root': { own: { tokens: 0 }, subtree: { tokens: 0 } },
    });
    expect(view.rollups.total).toEqual({ tokens: 22, cost: 0.1 });
    const missing = await fetch(`${receiver().url}/api/receiver/trace-views/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: 'Trace not found: nope' });
  });
});

describe('the live feed', () => {
  const receiver = useReceiver();

  it('sends a trace row when a trace arrives and again when it changes; a reset is announced', async () => {
    const feed = await openLiveFeed(receiver().url);
    try {
      expect(feed.response.statusCode).toBe(200);
      expect(feed.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      await ingest(receiver(), [traceCreate({ id: 'live-1', name: 'first' }), spanCreate({ traceId: 'live-1' })]);
      const created = await feed.next((e) => e.event === 'trace' && (JSON.parse(e.data) as TraceRow).id === 'live-1');
      expect(JSON.parse(created.data)).toMatchObject({ id: 'live-1', name: 'first', observationCount: 1, scoreCount: 0 });
      await ingest(receiver(), [scoreCreate({ traceId: 'live-1' })]);
      const updated = await feed.next((e) => e.event === 'trace' && (JSON.parse(e.data) as TraceRow).scoreCount === 1);
      expect(JSON.parse(updated.data)).toMatchObject({ id: 'live-1', observationCount: 1, scoreCount: 1 });
      receiver().reset();
      await feed.next((e) => e.event === 'reset');
    } finally {
      feed.close();
    }
  });

  it('a burst of events for one trace within the flush delay is sent as one row', async () => {
    const feed = await openLiveFeed(receiver().url);
    try {
      await ingest(receiver(), [traceCreate({ id: 'burst' }), ...Array.from({ length: 20 }, () => spanCreate({ traceId: 'burst' }))]);
      const row = await feed.next((e) => e.event === 'trace');
      expect(JSON.parse(row.data)).toMatchObject({ id: 'burst', observationCount: 20 });
    } finally {
      feed.close();
    }
  });

  it('closing the receiver ends the open feeds', async () => {
    const own = await startReceiver();
    const feed = await openLiveFeed(own.url);
    const ended = new Promise<void>((resolve) => feed.response.on('close', () => resolve()));
    await own.close();
    await ended;
  });
});

describe('with ui: false', () => {
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
  });

  it('serves neither the page, its files nor the live feed; the read API stays', async () => {
    receiver = await startReceiver({ ui: false });
    for (const path of ['/', '/viewer/app.js', '/viewer/styles.css', '/api/receiver/live']) {
      const response = await fetch(`${receiver.url}${path}`);
      expect(response.status, path).toBe(404);
    }
    await ingest(receiver, [envelope('trace-create', { id: 'headless' })]);
    expect((await rows(receiver)).rows.map((row) => row.id)).toEqual(['headless']);
  });
});

describe("Langfuse's trace links", () => {
  const receiver = useReceiver();

  /** A request for the path, not following a redirect. */
  const open = (path: string, method = 'GET'): Promise<Response> => fetch(`${receiver().url}${path}`, { method, redirect: 'manual' });

  it('/project/<any project>/traces/<id> redirects to the viewer page of that trace', async () => {
    await ingest(receiver(), [traceCreate({ id: 'a1b2c3' })]);
    for (const project of ['local-project', 'cl-some-other-project']) {
      const response = await open(`/project/${project}/traces/a1b2c3`);
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/#/trace/a1b2c3');
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    expect((await open('/project/p/traces/a1b2c3/')).headers.get('location')).toBe('/#/trace/a1b2c3');
    expect((await open('/project/p/traces/a1b2c3', 'HEAD')).status).toBe(302);
    // The page it leads to is the viewer, which reads that trace from the read API.
    expect((await fetch(new URL('/#/trace/a1b2c3', receiver().url))).headers.get('content-type')).toMatch(/^text\/html/);
    expect((await fetch(`${receiver().url}/api/receiver/trace-views/a1b2c3`)).status).toBe(200);
  });

  it('keeps an id with escaped characters as the viewer reads it; other paths and methods are not redirected', async () => {
    const response = await open(`/project/p/traces/${encodeURIComponent('run 7/a#b')}`);
    expect(response.headers.get('location')).toBe(`/#/trace/${encodeURIComponent('run 7/a#b')}`);
    expect((await open('/project/p/traces/%E0%A4%A')).status).toBe(404);
    expect((await open('/project/p/traces/t-1', 'POST')).status).toBe(405);
    for (const path of ['/project/p/traces', '/project/p/traces/t-1/extra', '/project//traces/t-1', '/projects/p/traces/t-1']) {
      expect((await open(path)).status, path).toBe(404);
    }
  });

  it("the doctor's test-trace link leads to the viewer's page of the test trace", async () => {
    const report = await checkLangfuse({ baseUrl: receiver().url, publicKey: receiver().publicKey, secretKey: receiver().secretKey, checkTimeoutMs: 10_000 }, {});
    const summary = report.checks.find((check) => check.name === 'test-trace')?.summary ?? '';
    const link = /(http:\/\/\S+\/project\/\S+\/traces\/([0-9a-f]{32}))/.exec(summary);
    expect(link, summary).not.toBeNull();
    const response = await fetch(link![1]!, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`/#/trace/${link![2]!}`);
    expect((await fetch(`${receiver().url}/api/receiver/trace-views/${link![2]!}`)).status).toBe(200);
  });

  it('with ui: false, there is no viewer to lead to: 404', async () => {
    const headless = await startReceiver({ ui: false });
    try {
      expect((await fetch(`${headless.url}/project/p/traces/t-1`, { redirect: 'manual' })).status).toBe(404);
    } finally {
      await headless.close();
    }
  });
});

describe('chat messages in the viewer', () => {
  type ToMessages = (value: unknown) => { role: string; parts: { text?: string; title?: string; value?: unknown }[] }[] | undefined;
  const load = async (): Promise<ToMessages> =>
    ((await import(pathToFileURL(`${VIEWER_FILES}chat-view.js`).href)) as { toMessages: ToMessages }).toMessages;

  it('reads OpenAI, Anthropic and OpenTelemetry GenAI message shapes, and nothing else', async () => {
    const toMessages = await load();
    expect(toMessages([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: [{ type: 'text', text: 'Hi' }] }])).toEqual([
      { role: 'system', parts: [{ text: 'Be brief.' }] },
      { role: 'user', parts: [{ text: 'Hi' }] },
    ]);
    expect(toMessages({ choices: [{ message: { role: 'assistant', content: null, tool_calls: [{ function: { name: 'search', arguments: '{"q":"x"}' } }] } }] })).toEqual([
      { role: 'assistant', parts: [{ title: 'tool call search', value: { q: 'x' } }] },
    ]);
    expect(toMessages({ system: 'Rules', messages: [{ role: 'user', content: [{ type: 'tool_result', content: 'done' }] }] })).toEqual([
      { role: 'system', parts: [{ text: 'Rules' }] },
      { role: 'user', parts: [{ title: 'tool result', text: 'done' }] },
    ]);
    expect(toMessages('[{"role":"assistant","parts":[{"type":"text","content":"Hello"},{"type":"tool_call","name":"f","arguments":{"a":1}}]}]')).toEqual([
      { role: 'assistant', parts: [{ text: 'Hello' }, { title: 'tool call f', value: { a: 1 } }] },
    ]);
    for (const other of [{ question: 'hi' }, ['a', 'b'], 'plain text', 42, null, [], [{ role: 'user' }]]) expect(toMessages(other)).toBeUndefined();
  });

  it('shows an OpenAI image part by its URL (a media reference renders as the image); other image shapes as JSON', async () => {
    const toMessages = await load();
    const reference = '@@@langfuseMedia:type=image/png|id=abc|source=base64_data_uri@@@';
    expect(toMessages([{ role: 'user', content: [{ type: 'image_url', image_url: { url: reference } }, { type: 'image_url', image_url: reference }] }])).toEqual([
      { role: 'user', parts: [{ title: 'image', text: reference }, { title: 'image', text: reference }] },
    ]);
    const odd = { type: 'image_url', image_url: { detail: 'high' } };
    expect(toMessages([{ role: 'user', content: [odd] }])).toEqual([{ role: 'user', parts: [{ title: 'image_url', value: odd }] }]);
  });
});
