// `pnpm bench -- --only=flush-phases`: where a one-span forceFlush spends its time, and what got costs per request.
//
// Every child and the receiver (in the parent) read the same monotonic clock (process.hrtime is CLOCK_MONOTONIC on
// Linux, shared by all processes), so a flush splits at the moments the receiver saw the request arrive and finished
// its answer. Inside ours, got's own diagnostics channels split further: when got was handed the body, and when it
// had read the answer's body.
import { fork } from 'node:child_process';
import dc from 'node:diagnostics_channel';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { fmt, summarize, table } from './harness.mjs';

const SELF = fileURLToPath(import.meta.url);
const now = () => process.hrtime.bigint();
const FLUSHERS = { ours: 'ours: legacy path', 'ours-otlp': 'ours: OTLP', official: 'official v5' };
const SENDERS = { got: "our HttpTransport (got), the exporter's options", http: 'bare http.request, keep-alive agent' };
const KEYS = { publicKey: 'pk-lf-local', secretKey: 'sk-lf-local' };

if (process.argv[2] === 'flush-phases-child') await child(process.argv[3]);

/**
 * Section 5b: `runs` rounds (after one warm-up) of a one-span flush per competitor, each in its own process, in the
 * same cold-ish state as section 5; then one POST of the same ~2.4 KB legacy batch with our got transport and with a
 * bare `http.request`, so got's share is measured without anything else of ours around it.
 */
export async function flushPhases({ receiverUrl, resetReceiver, runs, log }) {
  const server = { start: undefined, finish: undefined };
  const onStart = () => (server.start ??= now());
  const onFinish = () => (server.finish ??= now());
  dc.subscribe('http.server.request.start', onStart);
  dc.subscribe('http.server.response.finish', onFinish);
  const names = [...Object.keys(FLUSHERS), ...Object.keys(SENDERS)];
  log(`flush-phases: ${names.length} children × (1 + ${runs}) runs`);
  const children = await Promise.all(names.map((name) => startChild(name, receiverUrl)));
  const rows = Object.fromEntries(names.map((n) => [n, []]));
  try {
    for (let round = 0; round <= runs; round++) {
      for (let k = 0; k < children.length; k++) {
        const c = children[(k + round) % children.length];
        // An empty store each run, so what earlier sections stored never makes the receiver slower to answer.
        resetReceiver();
        server.start = server.finish = undefined;
        const r = await c.run();
        if (round === 0) continue;
        const at = (t) => Number(BigInt(t) - BigInt(r.t0)) / 1e6;
        rows[c.name].push({
          total: at(r.t1),
          arrived: Number(server.start - BigInt(r.t0)) / 1e6,
          answered: Number(server.finish - BigInt(r.t0)) / 1e6,
          gotCreated: r.gotCreated ? at(r.gotCreated) : undefined,
          gotRead: r.gotRead ? at(r.gotRead) : undefined,
        });
        // A short pause, like a serverless process between invocations (and so the receiver's work never overlaps).
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  } finally {
    dc.unsubscribe('http.server.request.start', onStart);
    dc.unsubscribe('http.server.response.finish', onFinish);
    await Promise.all(children.map((c) => c.close()));
  }
  const med = (name, pick) => {
    const values = rows[name].map(pick).filter((v) => v !== undefined && !Number.isNaN(v));
    return values.length ? summarize(values).median : undefined;
  };
  const ms = (v) => (v === undefined ? '–' : `${fmt(v)}`);
  const phaseRow = (name, label) => {
    const total = med(name, (r) => r.total);
    const ours = med(name, (r) => r.gotCreated);
    const toServer = med(name, (r) => r.arrived);
    const server = med(name, (r) => r.answered - r.arrived);
    const gotRead = med(name, (r) => (r.gotRead === undefined ? undefined : r.gotRead - r.answered));
    const back = med(name, (r) => r.total - r.answered);
    return [label, ms(total), ms(ours), ms(toServer), ms(server), ms(gotRead), ms(back)];
  };
  return [
    {
      title:
        `5b. Where a one-span forceFlush spends its time (ms, medians of ${runs} runs after 1 warm-up, 20 ms apart, each competitor in its own process; ` +
        'moments by the receiver and by got\'s diagnostics channels)',
      text: table(
        ['competitor', 'total', 'ours: until got created the request', 'until the receiver has the request', 'receiver', 'got: answer read', 'back: answer to flush resolved'],
        Object.entries(FLUSHERS).map(([name, label]) => phaseRow(name, label)),
      ),
    },
    {
      title: `5c. One POST of the same ~2.4 KB legacy batch to the receiver (ms, medians of ${runs} runs after 1 warm-up): what got costs by itself`,
      text: table(
        ['sender', 'total', 'until the receiver has the request', 'receiver', 'back: answer to result'],
        Object.entries(SENDERS).map(([name, label]) => {
          const [, total, , toServer, server, , back] = phaseRow(name, label);
          return [label, total, toServer, server, back];
        }),
      ),
    },
  ];
}

async function startChild(name, receiverUrl) {
  const proc = fork(SELF, ['flush-phases-child', name], { env: { ...process.env, RECEIVER_URL: receiverUrl }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise((resolve, reject) => {
    proc.once('message', resolve);
    proc.once('exit', (code) => reject(new Error(`flush-phases child ${name} exited (${code})`)));
  });
  return {
    name,
    run: () =>
      new Promise((resolve, reject) => {
        proc.once('message', (m) => (m.error ? reject(new Error(`${name}: ${m.error}`)) : resolve(m)));
        proc.send({ type: 'run' });
      }),
    close: () =>
      new Promise((resolve) => {
        proc.once('exit', resolve);
        proc.send({ type: 'exit' });
      }),
  };
}

async function child(name) {
  const receiverUrl = process.env.RECEIVER_URL;
  const marks = {};
  dc.subscribe('got:request:create', () => (marks.gotCreated ??= now()));
  dc.subscribe('got:response:end', () => (marks.gotRead ??= now()));
  const once = name in FLUSHERS ? await flusher(name, receiverUrl) : await sender(name, receiverUrl);
  process.on('message', async (message) => {
    if (message.type === 'exit') process.exit(0);
    try {
      const before = await once.prepare();
      delete marks.gotCreated;
      delete marks.gotRead;
      const t0 = now();
      await once.measure(before);
      const t1 = now();
      process.send({ t0: String(t0), t1: String(t1), gotCreated: marks.gotCreated && String(marks.gotCreated), gotRead: marks.gotRead && String(marks.gotRead) });
    } catch (error) {
      process.send({ error: String(error?.stack ?? error) });
    }
  });
  process.send({ ready: true });
}

/** A competitor of section 5, set up the same way; one run = one single-span trace made, then timed: forceFlush. */
async function flusher(name, receiverUrl) {
  const { setupCompetitor } = await import('./competitors.mjs');
  const { PAYLOADS } = await import('./workload.mjs');
  const official = name === 'official';
  const processor = official ? { flushInterval: 600 } : { maxQueueSize: 20_000, flushInterval: 600, flushOnExit: false, flushTimeoutMs: 120_000 };
  const c = await setupCompetitor(name, receiverUrl, processor);
  let i = 0;
  return {
    prepare: () => c.single(PAYLOADS[i++ % PAYLOADS.length]),
    measure: () => c.flush(),
  };
}

/** One run = one POST of a fresh two-event legacy batch (a trace and its span, the workload's payload). */
async function sender(name, receiverUrl) {
  const { PAYLOADS } = await import('./workload.mjs');
  const url = new URL(`${receiverUrl}/api/public/ingestion`);
  const headers = { 'content-type': 'application/json' };
  let i = 0;
  const prepare = () => legacyBatch(PAYLOADS[i++ % PAYLOADS.length]);
  if (name === 'got') {
    // The exporter's own transport, with the options its pipeline gives it (the bench reaches into the build for it).
    const { HttpTransport } = await import('../../exporter/dist/delivery/http/http-transport.js');
    const transport = new HttpTransport({
      url,
      username: KEYS.publicKey,
      password: KEYS.secretKey,
      headers,
      requestTimeoutMs: 10_000,
      maxRetries: 3,
      maxSockets: 4,
      retry: { initialDelayMs: 100, maxDelayMs: 1_000 },
      maxRetryAfterMs: 10_000,
    });
    return {
      prepare,
      measure: async (body) => {
        const result = await transport.send(body, Date.now() + 10_000);
        if (result.kind !== 'response' || result.status >= 300) throw new Error(`got: ${JSON.stringify(result).slice(0, 200)}`);
      },
    };
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const authorization = `Basic ${Buffer.from(`${KEYS.publicKey}:${KEYS.secretKey}`).toString('base64')}`;
  return {
    prepare,
    measure: (body) =>
      new Promise((resolve, reject) => {
        const request = http.request(url, { method: 'POST', agent, headers: { ...headers, authorization, 'content-length': Buffer.byteLength(body) } }, (response) => {
          const chunks = [];
          response.on('data', (chunk) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if ((response.statusCode ?? 0) >= 300) reject(new Error(`http: ${response.statusCode} ${text.slice(0, 200)}`));
            else resolve(text);
          });
        });
        request.on('error', reject);
        request.end(body);
      }),
  };
}

function legacyBatch(payload) {
  const traceId = randomHex(32);
  const timestamp = new Date().toISOString();
  const input = { messages: payload.messages };
  return JSON.stringify({
    batch: [
      { id: randomHex(16), type: 'trace-create', timestamp, body: { id: traceId, timestamp, name: 'single', input, output: payload.answer, environment: 'default' } },
      {
        id: randomHex(16),
        type: 'span-create',
        timestamp,
        body: { id: randomHex(16), traceId, name: 'single', startTime: timestamp, endTime: timestamp, input, output: payload.answer, environment: 'default' },
      },
    ],
    metadata: { batch_size: 2, sdk_name: 'bench', sdk_version: '0' },
  });
}

function randomHex(length) {
  let text = '';
  while (text.length < length) text += Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');
  return text.slice(0, length);
}
