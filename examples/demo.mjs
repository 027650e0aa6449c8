// The demo: two services (gateway → worker → simulated LLM generation) as separate processes, one trace.
// With redis-server installed, the demo starts one on a free 127.0.0.1 port and the gateway hands the question to
// the worker as a BullMQ job (request → queue → job → generation); without it (or with --no-queue), over HTTP.
// By default everything goes to a local Langfuse-compatible receiver on 127.0.0.1 and the trace is printed here.
// With LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY (and LANGFUSE_BASE_URL) set, it goes to that Langfuse instead.
// `node examples/demo.mjs --serve` keeps the receiver running afterwards, so the trace can be opened in the browser
// viewer it serves (the URL is printed); Ctrl-C stops it. Ctrl-C or SIGTERM at any point stops the services and Redis too.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { renderTrace, startReceiver } from '@otel-langfuse/receiver';
import { startLocalRedis } from './two-services/local-redis.mjs';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const useRealLangfuse = Boolean(process.env.LANGFUSE_PUBLIC_KEY && process.env.LANGFUSE_SECRET_KEY);
/** How long a service may take to deliver what it queued and exit after SIGTERM before it is killed. */
const SERVICE_STOP_MS = 15_000;

// Everything the demo starts is stopped on every way out: the end of the run, an error (finally below), SIGINT or
// SIGTERM (the handler below). The services also exit by themselves when the demo is gone (their stdin, a pipe from
// it, closes), even after a SIGKILL.
const services = new Set();
let redis;
let stopping;

/** SIGTERM (they flush and exit), SIGKILL past SERVICE_STOP_MS; resolves once the process has exited. */
async function stopService(child) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), SERVICE_STOP_MS);
    await exited;
    clearTimeout(timer);
  }
  child.stdin?.destroy();
  services.delete(child);
}

/** The services first (they close their queue connections while Redis is still there), then Redis. */
function stopAll() {
  stopping ??= Promise.allSettled([...services].map(stopService)).then(() => redis?.stop());
  return stopping;
}

let onSignal = (signal) => void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => onSignal(signal));

/** Starts a service and resolves with its URL once it prints {"ready": url}. */
async function startService(file, env, langfuseEnv) {
  const child = spawn(process.execPath, [here(file)], {
    env: { ...process.env, ...langfuseEnv, ...env },
    // stdin: a pipe the service watches, so it exits when the demo is gone.
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  services.add(child);
  child.once('exit', () => child.stdin?.destroy());
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    try {
      const { ready } = JSON.parse(line);
      if (ready) return { child, url: ready };
    } catch {
      console.log(line);
    }
  }
  throw new Error(`${file} exited before it was ready`);
}

const receiver = useRealLangfuse ? undefined : await startReceiver();
try {
  await run(receiver);
} finally {
  await stopAll();
  await receiver?.close();
}

async function run(receiver) {
  if (receiver) console.log(`trace viewer (live): ${receiver.url}/`);
  const langfuseEnv = receiver
    ? { LANGFUSE_PUBLIC_KEY: receiver.publicKey, LANGFUSE_SECRET_KEY: receiver.secretKey, LANGFUSE_BASE_URL: receiver.url }
    : {};

  const local = process.argv.includes('--no-queue') ? { off: '--no-queue' } : await startLocalRedis();
  redis = local.off === undefined ? local : undefined;
  if (redis) console.log(`job queue: BullMQ on a redis-server started at 127.0.0.1:${redis.port} (pid ${redis.pid})`);
  else console.log(`job queue: off (${local.off}): the gateway calls the worker over HTTP`);
  const queueEnv = redis ? { REDIS_PORT: String(redis.port) } : {};

  const worker = await startService('./two-services/worker.mjs', queueEnv, langfuseEnv);
  const gateway = await startService('./two-services/gateway.mjs', { ...queueEnv, WORKER_URL: worker.url }, langfuseEnv);
  console.log(`services: worker (pid ${worker.child.pid}) at ${worker.url}, gateway (pid ${gateway.child.pid}) at ${gateway.url}`);

  const response = await fetch(`${gateway.url}/ask?q=${encodeURIComponent('What is OpenTelemetry?')}`, { signal: AbortSignal.timeout(30_000) });
  const traceId = response.headers.get('x-trace-id');
  const body = await response.json();
  if (response.ok) console.log(`gateway answered: ${body.answer}`);
  else console.log(`gateway failed (HTTP ${response.status}): ${body.error}`);

  // Graceful shutdown: each service flushes what it queued before exiting.
  await stopAll();

  if (receiver) {
    // Both services delivered on shutdown; 5 observations: ask, call-worker (or enqueue answer), answer-ready, and the
    // worker's part (worker: answer or job: answer, with its llm-call).
    await receiver.waitForEvents((events) => events.some((e) => e.type === 'generation-create' && e.body.traceId === traceId), 10_000);
    const trace = receiver.trace(traceId);
    console.log();
    console.log(renderTrace(trace, { width: Math.min(process.stdout.columns || 80, 100), color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR }));
    console.log();
    console.log(`one trace, ${trace.observations.length} observations from 2 services, stored by the local receiver at ${receiver.url}`);
    console.log(`trace viewer: ${receiver.url}/#/trace/${encodeURIComponent(traceId)}`);
    if (process.argv.includes('--serve')) {
      console.log('the receiver keeps running (--serve); Ctrl-C stops it');
      await new Promise((resolve) => (onSignal = resolve));
    }
    process.exitCode = response.ok && trace.observations.length >= 5 ? 0 : 1;
  } else {
    const host = process.env.LANGFUSE_BASE_URL ?? process.env.LANGFUSE_BASEURL ?? process.env.LANGFUSE_HOST ?? 'https://cloud.langfuse.com';
    console.log(`trace ${traceId} sent to ${host}: open Tracing → Traces in your project and search for this id.`);
    process.exitCode = response.ok ? 0 : 1;
  }
}
