import { execFile, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The examples (and the README's demo) run against the built packages and the local receiver: keep them working.

const run = promisify(execFile);
const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));

/** The environment without Langfuse keys, so the examples use the local receiver whatever the machine has set. */
function localEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('LANGFUSE_')) delete env[key];
  return env;
}

async function runExample(file: string, env: NodeJS.ProcessEnv = localEnv()): Promise<string> {
  const { stdout } = await run(process.execPath, [file], { cwd: examples, env, timeout: 60_000 });
  return stdout;
}

const HAS_REDIS = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The pids still alive after up to `withinMs` (a process that exits is gone at once; the wait is for slow exits). */
async function survivors(pids: readonly number[], withinMs = 20_000): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return pids.filter(alive);
}

/** A directory whose `redis-server` passes `--version` and then runs `script`. */
function fakeRedisServer(script: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-redis-'));
  writeFileSync(join(dir, 'redis-server'), `#!/bin/sh\n[ "$1" = "--version" ] && exit 0\n${script}\n`);
  chmodSync(join(dir, 'redis-server'), 0o755);
  return dir;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
if (!HAS_REDIS) console.warn('examples.test.ts: the demo\'s job-queue path is not run, redis-server is not installed (apt-get install -y redis-server; .ci/run installs it)');

/** The demo's waterfall lines for the worker's part and how the gateway handed it over. */
function expectDemoTrace(output: string, handOver: string, workerRoot: string): void {
  expect(output).toMatch(/^Trace ask · .* · 5 observations$/m);
  expect(output).toMatch(new RegExp(`^span {9}${handOver}\\s`, 'm'));
  expect(output).toMatch(new RegExp(`^span {11}${workerRoot}\\s`, 'm'));
  expect(output).toMatch(/^generation {7}llm-call\s/m);
  expect(output).toContain('one trace, 5 observations from 2 services');
}

describe('examples', () => {
  // The waterfall's indentation is the tree: request → enqueue answer → job: answer → llm-call, in one trace.
  it.skipIf(!HAS_REDIS)('demo.mjs with redis-server installed: the gateway hands the question to the worker as a BullMQ job, one trace', async () => {
    const output = await runExample('demo.mjs');
    expect(output).toMatch(/^job queue: BullMQ on a redis-server started at 127\.0\.0\.1:\d+ \(pid \d+\)$/m);
    expectDemoTrace(output, 'enqueue answer', 'job: answer');
  });

  it('demo.mjs without redis-server (as on a fresh machine): one line says so, the gateway calls the worker over HTTP, one trace', async () => {
    // A PATH with no redis-server on it; the demo starts its services with node's own path.
    const output = await runExample('demo.mjs', { ...localEnv(), PATH: mkdtempSync(join(tmpdir(), 'no-redis-')) });
    expect(output.split('\n').filter((line) => line.startsWith('job queue:'))).toEqual([
      'job queue: off (redis-server is not installed): the gateway calls the worker over HTTP',
    ]);
    expectDemoTrace(output, 'call-worker', 'worker: answer');
  });

  // SIGTERM (or Ctrl-C) while the request is in flight: the demo stops the services and Redis before it exits.
  it('demo.mjs stopped by SIGTERM mid-run: no process it started survives it', async () => {
    const demo = spawn(process.execPath, ['demo.mjs'], { cwd: examples, env: localEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = once(demo, 'exit');
    const pids: number[] = [];
    for await (const line of createInterface({ input: demo.stdout })) {
      for (const match of line.matchAll(/\(pid (\d+)\)/g)) pids.push(Number(match[1]));
      // Both services started (and Redis, when installed); the demo is sending the request.
      if (line.startsWith('services:')) demo.kill('SIGTERM');
    }
    const [code, signal] = (await exited) as [number | null, string | null];
    expect(pids.length).toBe(HAS_REDIS ? 3 : 2);
    expect([code, signal]).toEqual([143, null]);
    expect(await survivors(pids)).toEqual([]);
  });

  it('a redis-server that exits at once: the demo says with which code and its last error line, and goes on over HTTP', async () => {
    const bin = fakeRedisServer('echo "starting" >&2\necho "FATAL: port already taken" >&2\nexit 3');
    const output = await runExample('demo.mjs', { ...localEnv(), PATH: `${bin}:${process.env['PATH'] ?? ''}` });
    expect(output.split('\n').filter((line) => line.startsWith('job queue:'))).toEqual([
      'job queue: off (redis-server exited at once (code 3): FATAL: port already taken): the gateway calls the worker over HTTP',
    ]);
    expectDemoTrace(output, 'call-worker', 'worker: answer');
  });

  it('two-services/gateway.mjs: a worker that fails or cannot be reached gets the caller a 502, and the gateway keeps serving', async () => {
    const gateway = spawn(process.execPath, ['two-services/gateway.mjs'], {
      cwd: examples,
      env: { ...localEnv(), WORKER_URL: `http://127.0.0.1:${await closedPort()}/` },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    try {
      let url = '';
      for await (const line of createInterface({ input: gateway.stdout })) {
        url = (JSON.parse(line) as { ready?: string }).ready ?? '';
        if (url !== '') break;
      }
      for (let i = 0; i < 2; i++) {
        const response = await fetch(`${url}/ask?q=hello`);
        expect(response.status).toBe(502);
        expect(((await response.json()) as { error: string }).error).toMatch(/^the worker gave no answer: /);
      }
      expect(gateway.exitCode).toBe(null);
    } finally {
      const exited = once(gateway, 'exit');
      gateway.stdin.end();
      // Its stdin closed, the service exits by itself (as when the demo that started it is gone).
      await exited;
    }
    expect(gateway.exitCode).toBe(0);
  });

  it('register-exporter.mjs: a plain provider with the exporter delivers every event', async () => {
    const output = await runExample('register-exporter.mjs');
    expect(output).toMatch(/4 events received by the local receiver/);
    expect(output).toMatch(/rejected \{\}, dropped \{\}/);
  });

  it('node-sdk.mjs: the exporter inside a NodeSDK setup', async () => {
    const output = await runExample('node-sdk.mjs');
    expect(output).toMatch(/node-sdk example: [1-9]\d* events sent to the local receiver/);
  });

  // Each framework recipe serves one request from a caller that injects its trace headers: the handler's trace and
  // generation must hang under the caller's span, in one trace.
  it.each([
    ['express.mjs', 'express'],
    ['fastify.mjs', 'fastify'],
    ['koa.mjs', 'koa'],
    ['hono.mjs', 'hono'],
    ['fetch-handler.mjs', 'fetch handler'],
  ])('frameworks/%s continues the caller\'s trace', async (file, framework) => {
    const output = await runExample(`frameworks/${file}`);
    expect(output).toContain(`${framework}: one trace, 3 observations`);
    expect(output.split('\n').filter((line) => line.startsWith('  ')).sort()).toEqual(['  caller <- (root)', '  handler <- caller', '  llm-call <- handler']);
  });
});
