import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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
    expect(output).toMatch(/^job queue: BullMQ on a redis-server started at 127\.0\.0\.1:\d+$/m);
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
