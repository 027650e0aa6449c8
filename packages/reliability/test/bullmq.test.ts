import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestReceiver } from '@otel-langfuse/test-support';
import { killServices, startService } from './service-process.js';
import { ensureBuilt, freePort, guardSuite, PUBLIC_KEY, SECRET_KEY, sleep, startReceiver } from './harness.js';

// A request adds BullMQ jobs (real bullmq, real Redis) with withJobTrace(); a worker in another process runs them in
// continueJobTrace(). What Langfuse gets: the job's observations in the request's trace under the span that added the
// job, on retries, delays and flows too, or (link mode) a new trace naming the request's, with the request's
// propagateAttributes scope either way; no observation points at a parent that never arrives.

const SUITE = 'bullmq';
guardSuite(SUITE);

const DIR = fileURLToPath(new URL('./bullmq/', import.meta.url));
const HAS_REDIS = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
if (!HAS_REDIS) console.warn('bullmq.test.ts: skipped, redis-server is not installed (apt-get install -y redis-server; .ci/run installs it)');

let redis: ChildProcess | undefined;
let redisPort = 0;
let receiver: TestReceiver | undefined;

function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1_000, () => socket.destroy());
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => {
      resolve(chunk.toString().startsWith('+PONG'));
      socket.destroy();
    });
  });
}

beforeAll(async () => {
  if (!HAS_REDIS) return;
  redisPort = await freePort();
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let tries = 0; !(await pong(redisPort)); tries++) {
    if (tries > 200 || redis.exitCode !== null) throw new Error(`redis-server did not answer on port ${redisPort}`);
    await sleep(50);
  }
});

afterAll(() => {
  redis?.kill('SIGKILL');
});

afterEach(async () => {
  killServices();
  await receiver?.close();
  receiver = undefined;
});


type Body = Record<string, unknown>;
const CASES = ['plain', 'retried', 'delayed', 'linked', 'flow', 'repeated', 'scheduled'] as const;
/** Jobs the worker runs: one per case, plus the flow's two children and the second run of each job scheduler. */
const JOB_COUNT = CASES.length + 4;

describe.skipIf(!HAS_REDIS)('BullMQ jobs with withJobTrace() / continueJobTrace(), real Redis', () => {
  it.each(['ingestion', 'otlp'] as const)('one trace from the request through its jobs, retried, delayed, in a flow and a job scheduler\'s runs too; link mode (also for the runs of a job scheduler) a new trace naming it (%s)', async (transport) => {
    ensureBuilt();
    receiver = await startReceiver();
    const env = {
      LANGFUSE_PUBLIC_KEY: PUBLIC_KEY,
      LANGFUSE_SECRET_KEY: SECRET_KEY,
      LANGFUSE_BASE_URL: receiver.url,
      LANGFUSE_TRANSPORT: transport,
      REDIS_PORT: String(redisPort),
      QUEUE_NAME: `traced-${transport}-${Date.now()}`,
      JOB_COUNT: String(JOB_COUNT),
    };
    const worker = startService(DIR, 'worker.mjs', env);
    await worker.firstLine;
    const producer = startService(DIR, 'producer.mjs', env);
    const produced = await producer.finished;
    expect(produced.code, produced.stderr).toBe(0);
    const { cases } = JSON.parse(produced.stdout.trim().split('\n').pop()!) as { cases: Record<(typeof CASES)[number], { traceId: string; enqueueId: string }> };
    const workerDone = await worker.finished;
    expect(workerDone.code, workerDone.stderr).toBe(0);

    const events = receiver.events();
    const observations = events.filter((e) => e.type !== 'trace-create' && e.type !== 'score-create' && e.type !== 'sdk-log').map((e) => e.body as Body);
    const traces = events.filter((e) => e.type === 'trace-create').map((e) => e.body as Body);
    const ids = new Set(observations.map((o) => o['id']));
    const stranded = observations.filter((o) => o['parentObservationId'] !== undefined && !ids.has(o['parentObservationId']));
    expect(stranded.map((o) => `${String(o['name'])} → ${String(o['parentObservationId'])}`)).toEqual([]);
    const inTrace = (traceId: string) => observations.filter((o) => o['traceId'] === traceId);
    const traceFields = (traceId: string) => Object.assign({}, ...traces.filter((t) => t['id'] === traceId)) as Body;

    for (const name of ['plain', 'retried', 'delayed', 'flow', 'scheduled'] as const) {
      const { traceId, enqueueId } = cases[name];
      const own = inTrace(traceId);
      const jobs = own.filter((o) => o['name'] === 'job');
      // The retried job: two attempts; the flow: its parent and two children, all under the span that added the flow;
      // a job scheduler in continue mode: each run a subtree of its own under the span that created the schedule.
      expect(jobs.length, name).toBe(name === 'retried' || name === 'scheduled' ? 2 : name === 'flow' ? 3 : 1);
      for (const job of jobs) expect(job['parentObservationId'], name).toBe(enqueueId);
      const generations = own.filter((o) => o['name'] === 'llm-call');
      expect(generations.map((g) => jobs.some((j) => j['id'] === g['parentObservationId'])), name).toEqual(jobs.map(() => true));
      // The only root is the request's: the job's subtree hangs under it.
      expect(own.filter((o) => o['parentObservationId'] === undefined).map((o) => o['name'])).toEqual([`request-${name}`]);
      expect(traceFields(traceId), name).toMatchObject({ userId: `user-${name}`, metadata: expect.objectContaining({ plan: 'pro' }) });
    }
    // The retried job: the failed attempt and the one that succeeded, side by side under the enqueue span.
    const attempts = inTrace(cases.retried.traceId).filter((o) => o['name'] === 'llm-call');
    expect(attempts.map((g) => g['level'] === 'ERROR').sort()).toEqual([false, true]);
    // The scheduler's two runs: two jobs of BullMQ's (each its own job id), not one reported twice.
    const scheduledRuns = inTrace(cases.scheduled.traceId).filter((o) => o['name'] === 'llm-call').map((o) => o['metadata'] as Body | undefined);
    expect(new Set(scheduledRuns.map((run) => run?.['jobId'])).size).toBe(2);
    for (const run of scheduledRuns) expect(run).toMatchObject({ jobId: expect.stringMatching(/^repeat:every-300ms-continued:/), repeatJobKey: 'every-300ms-continued' });
    // The delayed job ran no earlier than its delay after it was added.
    const enqueued = inTrace(cases.delayed.traceId).find((o) => o['name'] === 'enqueue')!;
    const ran = inTrace(cases.delayed.traceId).find((o) => o['name'] === 'job')!;
    expect(Date.parse(String(ran['startTime'])) - Date.parse(String(enqueued['startTime']))).toBeGreaterThanOrEqual(450);

    // Link mode: nothing of the job in the request's trace; a new trace of its own that names the request's.
    expect(inTrace(cases.linked.traceId).map((o) => o['name']).sort()).toEqual(['enqueue', 'request-linked']);
    const newTraces = observations.filter((o) => o['name'] === 'job' && !Object.values(cases).some((c) => c.traceId === o['traceId']));
    const linkedTo = (name: 'linked' | 'repeated') =>
      newTraces.filter((o) => (traceFields(String(o['traceId']))['metadata'] as Body | undefined)?.['linkedTraceId'] === cases[name].traceId);
    const [linkedJob] = linkedTo('linked');
    expect(linkedJob?.['parentObservationId']).toBeUndefined();
    expect(traceFields(String(linkedJob?.['traceId']))).toMatchObject({
      userId: 'user-linked',
      metadata: expect.objectContaining({ plan: 'pro', linkedTraceId: cases.linked.traceId, linkedObservationId: cases.linked.enqueueId }),
    });
    // A job scheduler in link mode: each run a trace of its own, each naming the request that created the schedule.
    const runs = linkedTo('repeated');
    expect(new Set(runs.map((o) => o['traceId'])).size).toBe(2);
    for (const run of runs) expect(traceFields(String(run['traceId']))).toMatchObject({ userId: 'user-repeated' });
    expect(inTrace(cases.repeated.traceId).map((o) => o['name']).sort()).toEqual(['enqueue', 'request-repeated']);
    expect(newTraces).toHaveLength(3);
  });
});
