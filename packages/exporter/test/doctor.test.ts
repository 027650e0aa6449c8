import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '@otel-langfuse/test-support';
import { checkLangfuse, formatCheckReport, type LangfuseCheckReport } from '../src/index.js';
import { runDoctorCli } from '../src/doctor/doctor-cli.js';

const SECRET = 'sk-lf-doctor-secret-7f3a9c';
const PUBLIC = 'pk-lf-doctor-public';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(mode: 'v2' | 'v3' | 'v4-events-only' | 'cloud' = 'v3'): Promise<TestReceiver> {
  const started = await startTestReceiver({ mode, publicKey: PUBLIC, secretKey: SECRET, ui: false });
  cleanups.push(() => started.close());
  return started;
}

const check = (report: LangfuseCheckReport, name: string) => report.checks.find((c) => c.name === name);

function listenOn(server: Server | NetServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

async function closedPort(): Promise<number> {
  const server = createNetServer();
  const port = await listenOn(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Accepts connections and never answers. */
async function hangingServer(): Promise<string> {
  const sockets: Socket[] = [];
  const server = createNetServer((socket) => sockets.push(socket));
  const port = await listenOn(server);
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${port}`;
}

describe('checkLangfuse against the receiver in each mode', () => {
  const expectations = {
    v2: { path: 'legacy ingestion', transport: 'has no OTLP endpoint (Langfuse < 3.22)' },
    v3: { path: 'legacy ingestion', transport: 'accepts traces there' },
    'v4-events-only': { path: 'OTLP', transport: 'moves to OTLP' },
    cloud: { path: 'OTLP', transport: 'moves to OTLP' },
  } as const;
  for (const [mode, expected] of Object.entries(expectations) as [keyof typeof expectations, (typeof expectations)['v2']][]) {
    it(`${mode}: every check passes and the test trace is stored`, async () => {
      const server = await receiver(mode);
      const report = await checkLangfuse({ baseUrl: server.url, publicKey: PUBLIC, secretKey: SECRET, checkTimeoutMs: 10_000 }, {});
      expect(report.ok, formatCheckReport(report)).toBe(true);
      expect(report.checks.map((c) => c.name)).toEqual(['keys', 'reachable', 'auth', 'transport', 'clock', 'test-trace']);
      expect(check(report, 'reachable')?.summary).toMatch(/Langfuse \d+\.\d+\.\d+.*directly \(no proxy\)|directly \(no proxy\).*Langfuse \d/);
      expect(check(report, 'auth')?.summary).toContain('project "otel-langfuse receiver"');
      expect(check(report, 'transport')?.summary).toContain(expected.transport);
      const testTrace = check(report, 'test-trace')!;
      expect(testTrace.status).toBe('ok');
      expect(testTrace.summary).toContain(expected.path);
      expect(testTrace.summary).toContain(`${server.url}/project/local-project/traces/`);
      const traceId = /test trace ([0-9a-f]{32})/.exec(testTrace.summary)?.[1];
      expect(server.trace(traceId!)?.trace.name).toBe('otel-langfuse doctor');
      expect(JSON.stringify(report)).not.toContain(SECRET);
    });
  }
});

describe('checkLangfuse when something is wrong', () => {
  it('a closed port: unreachable, with the fix; nothing else is tried', async () => {
    const report = await checkLangfuse({ baseUrl: `http://127.0.0.1:${await closedPort()}`, publicKey: PUBLIC, secretKey: SECRET }, {});
    expect(report.ok).toBe(false);
    expect(check(report, 'reachable')).toMatchObject({ status: 'fail', summary: expect.stringContaining('ECONNREFUSED'), fix: expect.stringContaining('LANGFUSE_BASE_URL') });
    expect(check(report, 'auth')?.status).toBe('skipped');
    expect(check(report, 'test-trace')?.status).toBe('skipped');
  });

  it('wrong keys: refused, with the fix; the secret is never in the report', async () => {
    const server = await receiver('v3');
    const wrong = 'sk-lf-wrong-secret-5d1e';
    const report = await checkLangfuse({ baseUrl: server.url, publicKey: PUBLIC, secretKey: wrong }, {});
    expect(report.ok).toBe(false);
    expect(check(report, 'auth')).toMatchObject({ status: 'fail', summary: expect.stringContaining('401'), fix: expect.stringContaining('Settings > API Keys') });
    expect(check(report, 'test-trace')?.status).toBe('skipped');
    expect(server.events()).toHaveLength(0);
    const text = JSON.stringify(report) + formatCheckReport(report);
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(SECRET);
  });

  it('no keys: says which variables to set', async () => {
    const report = await checkLangfuse({ baseUrl: 'http://127.0.0.1:1' }, {});
    expect(report).toMatchObject({ ok: false, checks: [{ name: 'keys', status: 'fail', fix: expect.stringContaining('LANGFUSE_PUBLIC_KEY') }] });
  });

  it('a server that never answers: each check ends by its timeout', async () => {
    const url = await hangingServer();
    const started = Date.now();
    const report = await checkLangfuse({ baseUrl: url, publicKey: PUBLIC, secretKey: SECRET, checkTimeoutMs: 300 }, {});
    // Generous: one 300 ms check ran (the others were skipped); a loaded machine must not fail this.
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(check(report, 'reachable')).toMatchObject({ status: 'fail', summary: expect.stringContaining('no answer within 300 ms') });
    expect(report.ok).toBe(false);
  });

  it("a clock an hour off the server's: fails with the fix", async () => {
    const server = createHttpServer((req, res) => {
      res.setHeader('date', new Date(Date.now() - 3_600_000).toUTCString());
      res.setHeader('content-type', 'application/json');
      res.end(req.url === '/api/public/health' ? '{"status":"OK","version":"3.99.0"}' : '{"data":[{"id":"p","name":"p"}]}');
    });
    const port = await listenOn(server);
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const report = await checkLangfuse({ baseUrl: `http://127.0.0.1:${port}`, publicKey: PUBLIC, secretKey: SECRET, sendTestTrace: false }, {});
    expect(check(report, 'clock')).toMatchObject({ status: 'fail', summary: expect.stringMatching(/ahead of the server by 3[56]\d\d\.\d s/), fix: expect.stringContaining('NTP') });
    expect(report.ok).toBe(false);
  });

  it('a spool holding records: says so, and how to send them now', async () => {
    const server = await receiver('v3');
    const dir = await mkdtemp(join(tmpdir(), 'doctor-spool-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'seg-000001700000000-1-000001.spool'), 'x'.repeat(100));
    const report = await checkLangfuse({ baseUrl: server.url, publicKey: PUBLIC, secretKey: SECRET, spoolDir: dir, sendTestTrace: false }, {});
    expect(check(report, 'spool')).toMatchObject({ status: 'warn', summary: expect.stringContaining('1 segment(s), 100 of'), fix: expect.stringContaining('--spool-dir') });
    expect(report.ok).toBe(true);
  });
});

describe('the doctor command', () => {
  const io = (env: Record<string, string | undefined>) => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: (line: string) => out.push(line), stderr: (line: string) => err.push(line), env } };
  };

  it('reads the LANGFUSE_* variables and exits 0 when every check passes', async () => {
    const server = await receiver('v4-events-only');
    const run = io({ LANGFUSE_BASE_URL: server.url, LANGFUSE_PUBLIC_KEY: PUBLIC, LANGFUSE_SECRET_KEY: SECRET });
    expect(await runDoctorCli([], run.io)).toBe(0);
    const text = run.out.join('\n');
    expect(text).toMatch(/^ok {3}test-trace: test trace [0-9a-f]{32}/m);
    expect(text).toContain('No problem found');
    expect(text).not.toContain(SECRET);
  });

  it('exits 1 on wrong keys, --json, and never prints the secret given as a flag', async () => {
    const server = await receiver('v3');
    const run = io({});
    const wrong = 'sk-lf-typed-on-the-command-line';
    expect(await runDoctorCli(['--base-url', server.url, '--public-key', PUBLIC, '--secret-key', wrong, '--json'], run.io)).toBe(1);
    const report = JSON.parse(run.out.join('\n')) as LangfuseCheckReport;
    expect(check(report, 'auth')?.status).toBe('fail');
    expect(run.out.join('\n') + run.err.join('\n')).not.toContain(wrong);
  });

  it('exits 2 on a bad flag without echoing a stray value', async () => {
    const run = io({});
    expect(await runDoctorCli(['sk-lf-stray-key-value'], run.io)).toBe(2);
    expect(run.err.join('\n')).not.toContain('sk-lf-stray-key-value');
    expect(await runDoctorCli(['--timeout-ms', 'soon'], io({}).io)).toBe(2);
  });
});
