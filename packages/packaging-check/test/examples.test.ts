import { execFile } from 'node:child_process';
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

async function runExample(file: string): Promise<string> {
  const { stdout } = await run(process.execPath, [file], { cwd: examples, env: localEnv(), timeout: 60_000 });
  return stdout;
}

describe('examples', () => {
  it('demo.mjs: two services make one trace, printed as a waterfall', async () => {
    const output = await runExample('demo.mjs');
    expect(output).toMatch(/^Trace ask · .* · 5 observations$/m);
    expect(output).toMatch(/^generation\s+llm-call\s/m);
    expect(output).toMatch(/^span\s+worker: answer\s/m);
    expect(output).toContain('one trace, 5 observations from 2 services');
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
