import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTracingBuilt, startTestReceiver, type TestReceiver } from '@otel-langfuse/test-support';

// Diagnostics a user sees with no `diag` logger of their own: a real process, its real stderr.

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const TRACING_DIR = join(REPO, 'packages/tracing');
const DIST_INDEX = join(TRACING_DIR, 'dist/index.js');
const WRONG_SECRET = 'sk-lf-wrong-secret-0123456789';

let receiver: TestReceiver;
let eventsOnlyReceiver: TestReceiver;

beforeAll(async () => {
  // The child imports the built package: (re)build it and the exporter when older than their sources.
  ensureTracingBuilt();
  receiver = await startTestReceiver();
  eventsOnlyReceiver = await startTestReceiver({ mode: 'v4-events-only' });
}, 180_000);
afterAll(async () => {
  await receiver?.close();
  await eventsOnlyReceiver?.close();
});

/** One trace, then shutdown, in a fresh `node` run from packages/tracing (so `@opentelemetry/api` resolves). */
function runChild(prelude: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  const script = `${prelude}
const { setupLangfuse, langfuse } = await import(${JSON.stringify(pathToFileURL(DIST_INDEX).href)});
const tracing = setupLangfuse();
await langfuse.trace({ name: 'console-diagnostics' }, async () => 'ok');
await tracing.shutdown();
`;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LANGFUSE_') && !name.startsWith('OTEL_')));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { cwd: TRACING_DIR, env: { ...clean, LANGFUSE_MAX_RETRIES: '0', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`child failed: ${error.message}\n${stderr}`)) : resolve({ stdout, stderr })),
    );
  });
}

/** The exporter's periodic count line that follows a cause's own line (losses/drop-summary). */
const SUMMARY = (what: string, totals = 'stats().eventsDropped') => `[@otel-langfuse/exporter] WARN: not delivered in the last 1 s: ${what}; totals since start in ${totals}`;

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

function wrongKeys(): Record<string, string> {
  return { LANGFUSE_PUBLIC_KEY: receiver.publicKey, LANGFUSE_SECRET_KEY: WRONG_SECRET, LANGFUSE_BASE_URL: receiver.url };
}

function expectNoSecret(text: string): void {
  expect(text).not.toContain(WRONG_SECRET);
  expect(text).not.toContain(receiver.secretKey);
  expect(text.toLowerCase()).not.toContain('authorization');
  expect(text).not.toContain('Basic ');
}

describe('console diagnostics with no diag logger', () => {
  it('wrong keys: one clear line on stderr (then the count line), without the secret', async () => {
    const { stderr } = await runChild('', wrongKeys());
    expect(lines(stderr)).toEqual([
      `[@otel-langfuse/exporter] ERROR: ${receiver.url}/api/public/ingestion refused the request with 401 (Invalid credentials. Confirm that you have configured the correct public and secret key): check LANGFUSE_PUBLIC_KEY / LANGFUSE_SECRET_KEY and that they belong to this Langfuse instance (organization-level keys are refused). Not retried.`,
      SUMMARY('2 rejected by the server (2 http-401)', 'stats().eventsRejected'),
    ]);
    expectNoSecret(stderr);
  }, 60_000);

  it('LANGFUSE_LOG_LEVEL=none silences it', async () => {
    const { stderr } = await runChild('', { ...wrongKeys(), LANGFUSE_LOG_LEVEL: 'none' });
    expect(stderr).toBe('');
  }, 60_000);

  it("a host's own diag logger wins: the line goes there, not to stderr", async () => {
    const prelude = `
const { diag, DiagLogLevel } = await import('@opentelemetry/api');
const host = (level) => (...args) => console.log(['HOST', level, ...args].join(' '));
diag.setLogger({ error: host('error'), warn: host('warn'), info: host('info'), debug: host('debug'), verbose: host('verbose') }, DiagLogLevel.WARN);
`;
    const { stdout, stderr } = await runChild(prelude, wrongKeys());
    expect(stderr).toBe('');
    expect(lines(stdout)).toEqual([
      expect.stringMatching(/^HOST error @otel-langfuse\/exporter .*refused the request with 401 .*check LANGFUSE_PUBLIC_KEY/),
      expect.stringMatching(/^HOST warn @otel-langfuse\/exporter not delivered in the last/),
    ]);
    expectNoSecret(stdout);
  }, 60_000);

  it('an unreachable server: one line naming it (then the count line)', async () => {
    const port = await closedPort();
    const { stderr } = await runChild('', { LANGFUSE_PUBLIC_KEY: 'pk-lf-x', LANGFUSE_SECRET_KEY: WRONG_SECRET, LANGFUSE_BASE_URL: `http://127.0.0.1:${port}` });
    expect(lines(stderr)).toEqual([
      expect.stringMatching(new RegExp(`^\\[@otel-langfuse/exporter\\] WARN: could not reach http://127\\.0\\.0\\.1:${port}/api/public/ingestion \\(ECONNREFUSED: .*\\); 2 events dropped after retries$`)),
      SUMMARY('2 dropped (2 network-ECONNREFUSED)'),
    ]);
    expectNoSecret(stderr);
  }, 60_000);

  it('a server that refuses traces on the legacy path (transport ingestion): one line saying what to use', async () => {
    const { stderr } = await runChild('', {
      LANGFUSE_PUBLIC_KEY: eventsOnlyReceiver.publicKey,
      LANGFUSE_SECRET_KEY: eventsOnlyReceiver.secretKey,
      LANGFUSE_BASE_URL: eventsOnlyReceiver.url,
      LANGFUSE_TRANSPORT: 'ingestion',
    });
    expect(lines(stderr)).toEqual([expect.stringMatching(/^\[@otel-langfuse\/exporter\] ERROR: the Langfuse server at .* does not accept traces on the legacy ingestion path .*Use transport 'otlp' or 'auto'\.$/),
      SUMMARY('2 rejected by the server (2 event-type-not-accepted)', 'stats().eventsRejected'),
    ]);
    expect(stderr).not.toContain(eventsOnlyReceiver.secretKey);
  }, 60_000);
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
