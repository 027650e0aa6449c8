import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureTracingBuilt, startTestReceiver, type TestReceiver } from '@otel-langfuse/test-support';
import { observations, treeOf } from './helpers.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DIST_INDEX = join(REPO, 'packages/tracing/dist/index.js');
let receiver: TestReceiver;

beforeAll(async () => {
  ensureTracingBuilt();
  receiver = await startTestReceiver();
}, 180_000);
afterAll(async () => {
  await receiver?.close();
});
beforeEach(() => receiver.reset());

/** Runs an ES module in a fresh `node` that imports the built package as `tracing`; resolves with its exit. */
function runChild(body: string, env: Record<string, string> = {}): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const script = `const tracing = await import(${JSON.stringify(pathToFileURL(DIST_INDEX).href)});\n${body}`;
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      {
        env: {
          ...process.env,
          LANGFUSE_PUBLIC_KEY: receiver.publicKey,
          LANGFUSE_SECRET_KEY: receiver.secretKey,
          LANGFUSE_BASE_URL: receiver.url,
          ...env,
        },
        timeout: 30_000,
      },
      (_error, _stdout, stderr) => resolve({ code: child.exitCode, signal: child.signalCode, stderr }),
    );
  });
}

const CREATE_TRACES = `
const { langfuse } = tracing;
for (let i = 0; i < 5; i++) {
  await langfuse.trace({ name: 'exit-' + i, userId: 'u-' + i }, async () => {
    await langfuse.span({ name: 'child-' + i }, async () => new Promise((r) => setTimeout(r, 1)));
  });
}
`;

describe('process exit', () => {
  it('a process that simply ends (no flush, no shutdown) still delivers every queued span in batch mode', async () => {
    const result = await runChild(`
tracing.setupLangfuse({ mode: 'batch', flushInterval: 900 });
${CREATE_TRACES}
`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const roots = observations(receiver.events()).filter((e) => String(e.body['name']).startsWith('exit-'));
    expect(roots).toHaveLength(5);
    for (const root of roots) {
      const i = String(root.body['name']).slice('exit-'.length);
      expect(treeOf(receiver.events(), root.body.traceId!)).toEqual([`span child-${i} <- exit-${i}`, `span exit-${i} <- (root)`]);
    }
  });

  it('without the exit flush those spans would be lost (what the test above guards against)', async () => {
    const result = await runChild(`
tracing.setupLangfuse({ mode: 'batch', flushInterval: 3600, flushOnExit: false });
${CREATE_TRACES}
`);
    expect(result.code).toBe(0);
    expect(receiver.events()).toHaveLength(0);
  });

  it('the documented SIGTERM pattern delivers everything before exiting', async () => {
    const result = await runChild(`
const handle = tracing.setupLangfuse({ mode: 'batch', flushInterval: 900 });
const keepAlive = setInterval(() => {}, 1000); // a server would keep the process alive
process.once('SIGTERM', () => {
  clearInterval(keepAlive);
  void handle.shutdown().finally(() => process.exit(0));
});
${CREATE_TRACES}
process.kill(process.pid, 'SIGTERM');
`);
    expect(result.code).toBe(0);
    expect(observations(receiver.events()).filter((e) => String(e.body['name']).startsWith('exit-'))).toHaveLength(5);
  });
});
