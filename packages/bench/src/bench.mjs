// `pnpm bench`: ours vs bare OpenTelemetry vs the official Langfuse SDK v5, on this machine, in one run.
// Every competitor runs in its own child process; the local receiver runs here and counts what arrives.
// Options: --quick (fewer/shorter runs, for a smoke test), --only=hot,throughput,outage,bytes,flush,flush-phases,media,outage-spool, --json=<file>.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { startReceiver } from '@otel-langfuse/receiver';
import { COMPETITORS } from './competitors.mjs';
import { flushPhases } from './flush-phases.mjs';
import { outageSpool } from './outage-spool.mjs';
import { Child, SpanCounter, childDiagnostics, closedPort, fmt, range, summarize, table } from './harness.mjs';
import { payloadBytes } from './workload.mjs';

const args = new Map(process.argv.slice(2).filter((a) => a !== '--').map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? true]; }));
const quick = args.has('quick');
const only = args.has('only') ? new Set(String(args.get('only')).split(',')) : undefined;
const wants = (name) => !only || only.has(name);

const CONFIG = {
  runs: quick ? 2 : 5,
  warmups: 1,
  hot: { ops: quick ? 4_000 : 10_000, yieldEvery: 32 },
  throughput: { spans: quick ? 4_096 : 8_192 },
  outage: { durationMs: quick ? 4_000 : 20_000, rounds: quick ? 1 : 3, opsPerTick: 10, tickMs: 10, sampleMs: 100 },
  flush: { sizes: [1, 100, 10_000] },
  media: { ops: quick ? 64 : 256, yieldEvery: 8, imageBytes: 200_000 },
  outageSpool: { durationMs: quick ? 10_000 : 60_000, opsPerTick: 10, tickMs: 10, drainTimeoutMs: quick ? 120_000 : 300_000 },
};

const counter = new SpanCounter();
const receiver = await startReceiver({ onBatch: counter.onBatch });
const results = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, config: CONFIG };
const started = Date.now();
results.loadStart = loadavg();
if (results.loadStart[0] > cpus().length) {
  process.stderr.write(`warning: load average ${results.loadStart[0].toFixed(2)} > ${cpus().length} CPUs: other work on this machine will make the numbers noisy\n`);
}
const log = (message) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${message}\n`);

function resetReceiver() {
  receiver.reset();
  counter.reset();
}

/** Runs `rounds` rounds over the children, rotating the order each round; `once(child, round)` does one run. */
async function rounds(children, once) {
  const total = CONFIG.warmups + CONFIG.runs;
  for (let round = 0; round < total; round++) {
    for (let k = 0; k < children.length; k++) {
      const child = children[(k + round) % children.length];
      await once(child, round - CONFIG.warmups);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Hot path
async function hotPath() {
  const names = ['none', 'otel', 'otel-otlp', 'ours-noop', 'ours', 'ours-otlp', 'official-noop', 'official'];
  const { ops } = CONFIG.hot;
  const queue = 2 * ops + 1024; // every span of a run fits: nothing is dropped, so everyone pays for every span
  log(`hot path: ${names.length} competitors × (${CONFIG.warmups} warm-up + ${CONFIG.runs}) runs × ${ops} ops`);
  const children = [];
  for (const name of names) {
    children.push(
      await Child.start('hot', name, {
        receiverUrl: receiver.url,
        options: { processor: { maxQueueSize: queue } },
        env: name.startsWith('official') ? { OTEL_BSP_MAX_QUEUE_SIZE: String(queue) } : {},
      }),
    );
  }
  const wall = Object.fromEntries(names.map((n) => [n, []]));
  const requestPath = Object.fromEntries(names.map((n) => [n, []]));
  const cpu = Object.fromEntries(names.map((n) => [n, []]));
  const delivered = Object.fromEntries(names.map((n) => [n, []]));
  const delayMax = Object.fromEntries(names.map((n) => [n, []]));
  await rounds(children, async (child, run) => {
    resetReceiver();
    const result = await child.run(CONFIG.hot);
    const exports = !['none', 'otel', 'ours-noop', 'official-noop'].includes(child.competitor);
    if (exports) await counter.waitFor(2 * ops, 10_000);
    if (run < 0) return;
    wall[child.competitor].push(result.ns / ops);
    requestPath[child.competitor].push(result.inOpNs / ops);
    cpu[child.competitor].push((1000 * result.cpuAllUs) / ops);
    delayMax[child.competitor].push(result.loopDelayMaxMs);
    if (exports) delivered[child.competitor].push(counter.count / (2 * ops));
  });
  await Promise.all(children.map((c) => c.close()));
  const baseRequest = summarize(requestPath.otel).median;
  const baseCpu = summarize(cpu.otel).median;
  const officialCpu = summarize(cpu.official).median;
  const rows = names.map((n) => {
    const r = summarize(requestPath[n]);
    const c = summarize(cpu[n]);
    const w = summarize(wall[n]);
    const d = delivered[n].length ? `${fmt(100 * Math.min(...delivered[n]))}%` : '–';
    return [
      COMPETITORS[n],
      range(r, '', 1000),
      `${fmt(r.median / baseRequest)}×`,
      range(c, '', 1000),
      `${fmt(c.median / baseCpu)}×`,
      `${fmt(c.median / officialCpu)}×`,
      fmt(w.median / 1000),
      fmt(summarize(delayMax[n]).median),
      d,
    ];
  });
  results.hot = { requestPathNsPerOp: requestPath, wallNsPerOp: wall, cpuNsPerOp: cpu, loopDelayMaxMs: delayMax, delivered };
  const p = payloadBytes();
  return {
    title:
      `1. Hot path per traced operation (a trace = root span + 1 generation, 2 spans, ~${p.input} B input and ~${p.output} B output on each), ` +
      `${ops} ops per run, event loop yielded every ${CONFIG.hot.yieldEvery} ops. ` +
      'Request path: µs per operation spent inside the traced operation (what tracing adds to a request\'s latency; exports run between operations). ' +
      'CPU: µs/op of process CPU (all threads) for the loop plus forceFlush until every span is delivered (the whole bill). ' +
      'Loop wall: µs/op of the whole loop, exports included. ' +
      'Longest block: the longest the event loop was blocked at once during the loop (median over runs; the loop itself blocks for 32 ops at a time)',
    text: table(
      ['competitor', 'request path µs/op median (min–max)', 'vs OTel', 'CPU µs/op median (min–max)', 'CPU vs OTel', 'CPU vs official', 'loop wall µs/op', 'longest block ms', 'delivered'],
      rows,
    ),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 2. + 4. Throughput and bytes per span
async function throughput() {
  const names = ['ours', 'ours-otlp', 'ours-otlp-protobuf', 'official'];
  const { spans } = CONFIG.throughput;
  log(`throughput: ${names.length} competitors × (${CONFIG.warmups} + ${CONFIG.runs}) runs × ${spans} spans`);
  const children = [];
  for (const name of names) {
    children.push(
      await Child.start('throughput', name, {
        receiverUrl: receiver.url,
        options: { spans },
        env: name === 'official' ? { OTEL_BSP_MAX_QUEUE_SIZE: String(spans) } : {},
      }),
    );
  }
  const init = () => Object.fromEntries(names.map((n) => [n, []]));
  const rate = init();
  const bytes = init();
  const requests = init();
  const clientCpu = init();
  const receiverCpu = init();
  const missing = Object.fromEntries(names.map((n) => [n, 0]));
  await rounds(children, async (child, run) => {
    await child.run({ phase: 'prepare', spans });
    resetReceiver();
    const arrived = counter.waitFor(spans, 60_000);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const result = child.run({ phase: 'feed' });
    const t1 = await arrived;
    const cpu = process.cpuUsage(cpu0);
    const { cpuUs } = await result;
    if (run < 0) return;
    if (t1 === undefined) {
      missing[child.competitor] += spans - counter.count;
      return;
    }
    const stats = receiver.stats();
    rate[child.competitor].push(spans / (Number(t1 - t0) / 1e9));
    bytes[child.competitor].push(stats.bytesReceived / spans);
    requests[child.competitor].push(stats.requests);
    clientCpu[child.competitor].push(cpuUs / spans);
    receiverCpu[child.competitor].push((cpu.user + cpu.system) / spans);
  });
  await Promise.all(children.map((c) => c.close()));
  const base = summarize(rate.official).median;
  const baseCpu = summarize(clientCpu.official).median;
  const tRows = names.map((n) => {
    const s = summarize(rate[n]);
    const c = summarize(clientCpu[n]);
    return [COMPETITORS[n], range(s, ''), `${fmt(s.median / base)}×`, range(c, ''), `${fmt(c.median / baseCpu)}×`, fmt(summarize(receiverCpu[n]).median), missing[n] ? `${missing[n]} missing` : 'all'];
  });
  const bRows = names.map((n) => {
    const s = summarize(bytes[n]);
    return [COMPETITORS[n], `${fmt(s.median)} B`, `${fmt(s.median / summarize(bytes.official).median)}×`, fmt(summarize(requests[n]).median)];
  });
  results.throughput = { spansPerSecond: rate, bytesPerSpan: bytes, requests, clientCpuUsPerSpan: clientCpu, receiverCpuUsPerSpan: receiverCpu, missing };
  return [
    {
      title:
        `2. Export throughput over loopback: spans/s from the first span handed to the processor until the receiver counted all ${spans} ` +
        '(defaults, but a queue that holds the burst). Exporter CPU: the sending process; receiver CPU: the local receiver (same for everyone, it decodes what it gets)',
      text: table(['competitor', 'spans/s median (min–max)', 'vs official', 'exporter CPU µs/span (min–max)', 'CPU vs official', 'receiver CPU µs/span', 'delivered'], tRows),
    },
    {
      title: '4. Bytes on the wire per span (request bodies as sent, from the throughput runs; the text compresses ~3× with gzip)',
      text: table(['competitor', 'bytes/span', 'vs official', 'requests per run'], bRows),
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Memory under an outage
async function outage() {
  const names = ['otel', 'ours', 'official'];
  const port = await closedPort();
  const { durationMs, opsPerTick, tickMs } = CONFIG.outage;
  const spanRate = (2 * opsPerTick * 1000) / tickMs;
  log(`outage: ${names.length} competitors (side by side) × ${CONFIG.outage.rounds} rounds × ${durationMs / 1000} s at ${spanRate} spans/s against closed port ${port}`);
  results.outage = Object.fromEntries(names.map((n) => [n, []]));
  // The three run at the same time (each at a fixed span rate, so they do not compete for throughput), in fresh
  // processes each round.
  for (let round = 0; round < CONFIG.outage.rounds; round++) {
    const children = await Promise.all(names.map((name) => Child.start('outage', name, { receiverUrl: `http://127.0.0.1:${port}` })));
    const outcomes = await Promise.all(children.map((child) => child.run(CONFIG.outage)));
    for (const child of children) child.proc.kill('SIGKILL'); // exports are still retrying against the dead port: no point waiting
    names.forEach((name, i) => results.outage[name].push(outcomes[i]));
  }
  const mb = (s) => range(s, '', 2 ** 20);
  const rows = names.map((name) => {
    const runs = results.outage[name];
    const pick = (f) => summarize(runs.map(f));
    const last = runs[runs.length - 1];
    const dropped = last.stats ? Object.entries(last.stats.eventsDropped).map(([k, v]) => `${k}: ${v}`).join(', ') || '0' : '–';
    return [
      COMPETITORS[name],
      fmt(pick((r) => r.base.heap).median / 2 ** 20),
      mb(pick((r) => r.peak.heap)),
      fmt(pick((r) => r.lastQuarterAvgHeap).median / 2 ** 20),
      fmt(pick((r) => r.base.rss).median / 2 ** 20),
      mb(pick((r) => r.peak.rss)),
      last.stats ? `${last.stats.spansReceived} / ${dropped}` : '–',
    ];
  });
  return {
    title:
      `3. Memory during a receiver outage (closed port): ${spanRate} spans/s for ${durationMs / 1000} s, defaults (queue 2048 spans), ` +
      `${CONFIG.outage.rounds} rounds (the three side by side, fresh processes each round); MB, median (min–max) over rounds`,
    text: table(['competitor', 'heap at start', 'peak heap', 'heap, avg of last 25%', 'RSS at start', 'peak RSS', 'last round: spans handed to exporter / dropped'], rows),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 5. forceFlush latency
async function flushLatency() {
  const names = ['ours', 'ours-otlp', 'official'];
  const queue = 20_000;
  log(`forceFlush: ${names.length} competitors × sizes ${CONFIG.flush.sizes.join('/')} × (${CONFIG.warmups} + ${CONFIG.runs}) runs`);
  const children = [];
  for (const name of names) {
    const official = name === 'official';
    children.push(
      await Child.start('flush', name, {
        receiverUrl: receiver.url,
        // Our flush has a deadline (2.5 s by default); the official one has none: give ours room, so both measure a full delivery.
        options: { processor: official ? { flushInterval: 600 } : { maxQueueSize: queue, flushInterval: 600, flushOnExit: false, flushTimeoutMs: 120_000 } },
        env: official ? { OTEL_BSP_MAX_QUEUE_SIZE: String(queue) } : {},
      }),
    );
  }
  const latency = {};
  const blocked = {};
  const missing = {};
  for (const size of CONFIG.flush.sizes) {
    for (const n of names) {
      (latency[n] ??= {})[size] = [];
      (blocked[n] ??= {})[size] = [];
    }
    await rounds(children, async (child, run) => {
      resetReceiver();
      const r = await child.run({ spans: size });
      const ok = await counter.waitFor(size, 10_000);
      if (!ok) missing[child.competitor] = (missing[child.competitor] ?? 0) + size - counter.count;
      if (run >= 0) {
        latency[child.competitor][size].push(r.ns);
        blocked[child.competitor][size].push(r.loopDelayMaxMs);
      }
    });
  }
  await Promise.all(children.map((c) => c.close()));
  results.flush = { latencyNs: latency, loopDelayMaxMs: blocked, missing };
  const big = CONFIG.flush.sizes.at(-1);
  const rows = names.map((n) => [
    COMPETITORS[n],
    ...CONFIG.flush.sizes.map((size) => range(summarize(latency[n][size]), ' ms', 1e6)),
    `${fmt(summarize(blocked[n][big]).median)} ms`,
    missing[n] ? `${missing[n]} missing` : 'all',
  ]);
  return {
    title: '5. forceFlush latency with N single-span traces queued (~2 KB each; batch 512, queue 20000, timer off)',
    text: table(['competitor', ...CONFIG.flush.sizes.map((s) => `N=${s}: ms median (min–max)`), `longest event-loop block during the N=${big} flush`, 'delivered'], rows),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 6. Media: the hot path's operation with a 200 KB image in its input
async function media() {
  const names = ['otel', 'ours', 'ours-otlp', 'official'];
  const { ops, yieldEvery, imageBytes } = CONFIG.media;
  log(`media: ${names.length} competitors × (${CONFIG.warmups} warm-up + ${CONFIG.runs}) runs × ${ops} ops with a ${imageBytes} B image`);
  const children = [];
  for (const name of names) children.push(await Child.start('hot', name, { receiverUrl: receiver.url, options: { imageBytes } }));
  const requestPath = Object.fromEntries(names.map((n) => [n, []]));
  const cpu = Object.fromEntries(names.map((n) => [n, []]));
  const rss = Object.fromEntries(names.map((n) => [n, []]));
  const stored = Object.fromEntries(names.map((n) => [n, []]));
  await rounds(children, async (child, run) => {
    resetReceiver();
    const result = await child.run({ ops, yieldEvery });
    if (child.competitor !== 'otel') await counter.waitFor(2 * ops, 30_000);
    if (run < 0) return;
    requestPath[child.competitor].push(result.inOpNs / ops);
    cpu[child.competitor].push((1000 * result.cpuAllUs) / ops);
    rss[child.competitor].push(result.maxRssKb / 1024);
    stored[child.competitor].push(receiver.media().filter((m) => m.bytes).length);
  });
  await Promise.all(children.map((c) => c.close()));
  const rows = names.map((n) => [
    COMPETITORS[n],
    range(summarize(requestPath[n]), '', 1000),
    range(summarize(cpu[n]), '', 1000),
    fmt(summarize(rss[n]).median),
    n === 'otel' ? '–' : String(Math.min(...stored[n])),
  ]);
  results.media = { requestPathNsPerOp: requestPath, cpuNsPerOp: cpu, peakRssMb: rss, mediaStored: stored };
  return {
    title:
      `6. Media: the hot path's operation with a ${imageBytes / 1000} KB PNG as a data URI in its input (16 distinct images in rotation), ${ops} ops per run, ` +
      `event loop yielded every ${yieldEvery} ops. Request path and CPU as in 1; peak RSS of the process; media the receiver holds after a run`,
    text: table(['competitor', 'request path µs/op median (min–max)', 'CPU µs/op median (min–max)', 'peak RSS MB', 'media stored'], rows),
  };
}

// ---------------------------------------------------------------------------------------------------------------
const sections = [];
try {
  if (wants('hot')) sections.push(await hotPath());
  if (wants('throughput') || wants('bytes')) sections.push(...(await throughput()));
  if (wants('outage')) sections.push(await outage());
  if (wants('flush')) sections.push(await flushLatency());
  if (wants('flush-phases')) sections.push(...(await flushPhases({ receiverUrl: receiver.url, resetReceiver, runs: quick ? 6 : 20, log })));
  if (wants('media')) sections.push(await media());
  if (wants('outage-spool')) sections.push(await outageSpool({ config: CONFIG.outageSpool, counter, log, results }));
} finally {
  await receiver.close();
}

sections.sort((a, b) => a.title.localeCompare(b.title));
console.log(`\n# @otel-langfuse benchmarks — ${results.date.slice(0, 10)}, Node ${process.version}, ${results.cpus} × ${results.cpu}`);
console.log(`# ${CONFIG.runs} measured runs after ${CONFIG.warmups} warm-up per row; each competitor in its own process; receiver in the parent over loopback${quick ? ' (--quick)' : ''}\n`);
for (const s of sections) console.log(`## ${s.title}\n\n${s.text}\n`);
if (childDiagnostics.size) {
  console.log('## Diagnostics printed by the children (deduplicated)\n');
  for (const [line, count] of childDiagnostics) console.log(`- ${count}× ${line}`);
  console.log();
}
console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s; load average at start ${results.loadStart.map((l) => l.toFixed(2)).join(' ')}, at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
if (typeof args.get('json') === 'string') writeFileSync(args.get('json'), JSON.stringify(results, null, 2));
