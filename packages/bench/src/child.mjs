// A benchmark child: `node child.mjs <scenario> <competitor>` with RECEIVER_URL (and, for some scenarios, extra
// JSON options in BENCH_OPTIONS). It sets up one competitor, says {type:'ready'}, then answers each
// {type:'run', ...} message from the parent with {type:'result', ...}. Nothing is shared with other competitors.
import { COMPETITORS, officialOps, oursOps, setupCompetitor } from './competitors.mjs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PAYLOADS, POOL_SIZE, mediaPayloads, yieldToLoop } from './workload.mjs';

const [scenario, competitor] = process.argv.slice(2);
const receiverUrl = process.env.RECEIVER_URL;
const options = JSON.parse(process.env.BENCH_OPTIONS ?? '{}');
if (!(competitor in COMPETITORS)) throw new Error(`unknown competitor ${competitor}`);

const now = () => process.hrtime.bigint();
const send = (message) => process.send(message);

const scenarios = {
  /** Per-op cost: `ops` traced operations, yielding to the event loop every `yieldEvery` (so exports run). */
  async hot() {
    const c = await setupCompetitor(competitor, receiverUrl, options.processor ?? {});
    const payloads = options.imageBytes ? mediaPayloads(options.imageBytes) : PAYLOADS;
    return async ({ ops, yieldEvery }) => {
      // Event-loop delay: how long the loop was blocked at a time (our loop blocks for `yieldEvery` ops anyway;
      // an exporter that does a whole batch's work in one go shows up as longer blocks).
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      const cpu0 = process.cpuUsage();
      const start = now();
      // Request path: the time spent inside the traced operations themselves. Export work runs on later turns
      // of the event loop (timers, I/O, setImmediate), never inside an operation, whose awaits are microtasks.
      let inOpNs = 0n;
      for (let i = 0; i < ops; i++) {
        const opStart = now();
        await c.op(payloads[i % POOL_SIZE]);
        inOpNs += now() - opStart;
        if (i % yieldEvery === yieldEvery - 1) await yieldToLoop();
      }
      const ns = Number(now() - start);
      const cpuLoop = process.cpuUsage(cpu0);
      delay.disable(); // the steady state only: a final flush of a backlog is a different story (scenario 5)
      await c.flush();
      const cpuAll = process.cpuUsage(cpu0);
      // CPU in µs (user + system, all threads of this process): the loop, and the loop plus delivering everything.
      return {
        ns,
        inOpNs: Number(inOpNs),
        ops,
        cpuLoopUs: cpuLoop.user + cpuLoop.system,
        cpuAllUs: cpuAll.user + cpuAll.system,
        loopDelayP99Ms: delay.percentile(99) / 1e6,
        loopDelayMaxMs: delay.max / 1e6,
        maxRssKb: process.resourceUsage().maxRSS,
        stats: c.stats(),
      };
    };
  },

  /**
   * Export throughput: spans are made first (by the competitor's own API, outside the timing), then fed to a fresh
   * span processor in one go; the parent times until the receiver has counted all of them.
   */
  async throughput() {
    const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
    let current; // the processor of the current run
    const captured = [];
    const capture = {
      onStart: (span, ctx) => current?.onStart(span, ctx),
      onEnd: (span) => captured.push(span),
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    const provider = new NodeTracerProvider({ spanProcessors: [capture] });
    provider.register();
    let ops;
    let makeProcessor;
    if (competitor === 'official') {
      const { LangfuseSpanProcessor } = await import('@langfuse/otel');
      const tracing = await import('@langfuse/tracing');
      ops = officialOps(tracing);
      // Its defaults, but a queue that holds the whole burst (OTEL_BSP_MAX_QUEUE_SIZE is set by the parent).
      makeProcessor = () => new LangfuseSpanProcessor({ publicKey: 'pk-lf-local', secretKey: 'sk-lf-local', baseUrl: receiverUrl });
    } else {
      const { langfuse, createLangfuseSpanProcessor } = await import('@otel-langfuse/tracing');
      ops = oursOps(langfuse);
      makeProcessor = () =>
        createLangfuseSpanProcessor({
          publicKey: 'pk-lf-local',
          secretKey: 'sk-lf-local',
          baseUrl: receiverUrl,
          transport: competitor === 'ours' ? 'ingestion' : 'otlp',
          ...(competitor === 'ours-otlp-protobuf' ? { otlpEncoding: 'protobuf' } : {}),
          maxQueueSize: options.spans,
          flushOnExit: false,
        });
    }
    let processor;
    return async ({ phase, spans }) => {
      if (phase === 'prepare') {
        processor = current = makeProcessor();
        captured.length = 0;
        for (let i = 0; captured.length < spans; i++) await ops.op(PAYLOADS[i % POOL_SIZE]);
        captured.length = spans;
        return { spans: captured.length };
      }
      // phase 'feed': the parent's clock is running.
      const profiler = process.env.BENCH_PROFILE_FEED ? await startProfiler() : undefined;
      const cpu0 = process.cpuUsage();
      const start = now();
      for (const span of captured) processor.onEnd(span);
      const feedNs = Number(now() - start);
      await processor.forceFlush();
      const flushedNs = Number(now() - start);
      const cpu = process.cpuUsage(cpu0);
      if (profiler) await profiler.stopInto(`${process.env.BENCH_PROFILE_FEED}-${process.pid}-${Date.now()}.cpuprofile`);
      const stats = typeof processor.stats === 'function' ? processor.stats() : undefined;
      await processor.shutdown();
      current = undefined;
      return { feedNs, flushedNs, cpuUs: cpu.user + cpu.system, stats };
    };
  },

  /** Steady span rate against a closed port: memory over `durationMs`. */
  async outage() {
    const c = await setupCompetitor(competitor, receiverUrl, options.processor ?? {});
    return async ({ opsPerTick, tickMs, durationMs, sampleMs }) => {
      const base = process.memoryUsage();
      let peakHeap = base.heapUsed;
      let peakRss = base.rss;
      const samples = [];
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        peakHeap = Math.max(peakHeap, m.heapUsed);
        peakRss = Math.max(peakRss, m.rss);
        samples.push([m.heapUsed, m.rss]);
      }, sampleMs);
      const ops = await runAtRate(c, { opsPerTick, tickMs, durationMs });
      clearInterval(sampler);
      const end = process.memoryUsage();
      const last = samples.slice(-Math.max(1, Math.floor(samples.length / 4)));
      return {
        ops,
        base: { heap: base.heapUsed, rss: base.rss },
        peak: { heap: peakHeap, rss: peakRss },
        end: { heap: end.heapUsed, rss: end.rss },
        lastQuarterAvgHeap: last.reduce((s, [h]) => s + h, 0) / last.length,
        stats: c.stats(),
      };
    };
  },

  /**
   * An outage, then recovery, with or without the spool (`options.processor.spoolDir`): phase 'outage' runs the span
   * rate for `durationMs` against the dead address; phase 'drain' (the receiver is back) flushes and waits until the
   * spool directory is empty. Heap and RSS are sampled throughout, both phases.
   */
  async outageSpool() {
    const { readdirSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const c = await setupCompetitor(competitor, receiverUrl, options.processor ?? {});
    const dir = options.processor?.spoolDir;
    const segments = () => (dir ? readdirSync(dir).filter((n) => n.endsWith('.spool')) : []);
    const diskBytes = () => segments().reduce((sum, n) => sum + (statSync(join(dir, n), { throwIfNoEntry: false })?.size ?? 0), 0);
    const base = process.memoryUsage();
    const peak = { heap: base.heapUsed, rss: base.rss };
    let peakDisk = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak.heap = Math.max(peak.heap, m.heapUsed);
      peak.rss = Math.max(peak.rss, m.rss);
      peakDisk = Math.max(peakDisk, diskBytes());
    }, 250);
    return async ({ phase, opsPerTick, tickMs, durationMs, drainTimeoutMs }) => {
      if (phase === 'outage') {
        const ops = await runAtRate(c, { opsPerTick, tickMs, durationMs });
        // What the exporter still holds goes where it goes in an outage (the spool, or dropped).
        await c.flush();
        if (dir) await new Promise((resolve) => setTimeout(resolve, 1_500));
        return { ops, disk: diskBytes(), stats: c.stats() };
      }
      const start = Date.now();
      await c.flush();
      while (segments().length > 0 && Date.now() - start < drainTimeoutMs) await new Promise((resolve) => setTimeout(resolve, 100));
      const drainMs = Date.now() - start;
      clearInterval(sampler);
      return { drainMs, left: segments().length, base: { heap: base.heapUsed, rss: base.rss }, peak, peakDisk, stats: c.stats() };
    };
  },

  /** forceFlush latency with `spans` single-span traces queued (made without yielding, so they stay queued). */
  async flush() {
    const c = await setupCompetitor(competitor, receiverUrl, options.processor ?? {});
    return async ({ spans }) => {
      for (let i = 0; i < spans; i++) await c.single(PAYLOADS[i % POOL_SIZE]);
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      const start = now();
      await c.flush();
      const ns = Number(now() - start);
      delay.disable();
      return { ns, loopDelayMaxMs: delay.max / 1e6, stats: c.stats() };
    };
  },
};

/** Runs `opsPerTick` traced operations every `tickMs` for `durationMs` without awaiting them; resolves to how many ran. */
function runAtRate(c, { opsPerTick, tickMs, durationMs }) {
  let ops = 0;
  const start = Date.now();
  return new Promise((resolve) => {
    const ticker = setInterval(() => {
      if (Date.now() - start >= durationMs) {
        clearInterval(ticker);
        resolve(ops);
        return;
      }
      for (let k = 0; k < opsPerTick; k++) void c.op(PAYLOADS[ops++ % POOL_SIZE]);
    }, tickMs);
  });
}

/** A CPU profile of one phase only (node:inspector), for the export path without the span making around it. */
async function startProfiler() {
  const { Session } = await import('node:inspector');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  return {
    async stopInto(file) {
      const { profile } = await post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

const handler = await scenarios[scenario]();
process.on('message', async (message) => {
  if (message.type === 'exit') {
    process.exit(0);
  }
  try {
    const result = await handler(message);
    send({ type: 'result', ...result });
  } catch (error) {
    send({ type: 'error', message: String(error?.stack ?? error) });
  }
});
send({ type: 'ready', pid: process.pid });
