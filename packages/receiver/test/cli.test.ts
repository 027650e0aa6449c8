import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../src/cli-main.js';
import { traceCreate } from './event-builders.js';
import { ingest } from './ingestion-client.js';
import { postOtlp } from './otlp-client.js';
import { simpleSpan, toOtlpProtobuf } from './otlp-payloads.js';

interface CapturedIo extends CliIo {
  out: string[];
  err: string[];
  /** Resolves with the first stdout line matching the pattern. */
  nextLine(pattern: RegExp): Promise<string>;
  stop(): void;
}

function captureIo(): CapturedIo {
  const controller = new AbortController();
  const out: string[] = [];
  const err: string[] = [];
  const watchers: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  return {
    out,
    err,
    signal: controller.signal,
    stop: () => controller.abort(),
    stdout: (line) => {
      out.push(line);
      for (const watcher of watchers) if (watcher.pattern.test(line)) watcher.resolve(line);
    },
    stderr: (line) => err.push(line),
    nextLine: (pattern) =>
      new Promise((resolve) => {
        const seen = out.find((line) => pattern.test(line));
        if (seen !== undefined) resolve(seen);
        else watchers.push({ pattern, resolve });
      }),
  };
}

describe('CLI', () => {
  it('prints help and exits 0', async () => {
    const io = captureIo();
    expect(await runCli(['--help'], io)).toBe(0);
    const help = io.out.join('\n');
    for (const flag of ['--port', '--host', '--public-key', '--secret-key', '--mode', '--jsonl', '--quiet']) {
      expect(help).toContain(flag);
    }
    expect(io.err).toEqual([]);
  });

  it.each([
    [['--bogus'], /--bogus/],
    [['--port', 'abc'], /--port must be an integer/],
    [['--port', '70000'], /--port must be an integer/],
    [['--mode', 'v5'], /--mode must be one of v2, v3, v4-events-only, cloud, got "v5"/],
    [['--port'], /--port/],
    [['serve'], /serve/],
    [['--secret-key', ''], /--secret-key must not be empty/],
  ])('exits 2 with a message for %j', async (argv, message) => {
    const io = captureIo();
    expect(await runCli(argv, io)).toBe(2);
    expect(io.err[0]).toMatch(message);
    expect(io.err.join('\n')).toContain('--help');
    expect(io.out).toEqual([]);
  });

  it('starts, prints the URL and a line per batch, and stops cleanly when signalled', async () => {
    const io = captureIo();
    const secretKey = 'sk-lf-cli-secret-42';
    const exit = runCli(['--port', '0', '--public-key', 'pk-lf-cli', '--secret-key', secretKey], io);
    const line = await io.nextLine(/listening on http:\/\//);
    const url = /(http:\/\/\S+)/.exec(line)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    if (url === undefined) throw new Error('no URL printed');

    await ingest({ url, publicKey: 'pk-lf-cli', secretKey }, [traceCreate(), traceCreate({ id: 'other' })]);
    expect(await io.nextLine(/^batch of 2/)).toBe('batch of 2: 2 stored (trace-create 2)');

    io.stop();
    expect(await exit).toBe(0);
    expect(io.out.join('\n')).toContain('pk-lf-cli');
    expect(io.out.join('\n')).not.toContain(secretKey);
    await expect(fetch(`${url}/api/public/health`)).rejects.toThrow();
  });

  it('prints the default local secret, and no batch lines with --quiet', async () => {
    const io = captureIo();
    const exit = runCli(['--quiet', '--mode', 'v4-events-only'], io);
    const line = await io.nextLine(/listening on/);
    const url = /(http:\/\/\S+)/.exec(line)?.[1] ?? '';
    expect(io.out.join('\n')).toContain('sk-lf-local');
    const health = (await (await fetch(`${url}/api/public/health`)).json()) as { version: string };
    expect(health.version).toMatch(/^4\./);
    await ingest({ url, publicKey: 'pk-lf-local', secretKey: 'sk-lf-local' }, [traceCreate()]);
    io.stop();
    expect(await exit).toBe(0);
    expect(io.out.some((text) => text.startsWith('batch'))).toBe(false);
  });

  it.each([
    ['v2', '2.95.0', 404],
    ['v3', '3.99.0', 200],
    ['v4-events-only', '4.0.0', 200],
    ['cloud', '4.0.0', 200],
  ])('--mode %s imitates that server (health %s, OTLP %i)', async (mode, version, otlpStatus) => {
    const io = captureIo();
    const exit = runCli(['--mode', mode], io);
    const url = /(http:\/\/\S+)/.exec(await io.nextLine(/listening on/))?.[1] ?? '';
    const health = (await (await fetch(`${url}/api/public/health`)).json()) as { version: string };
    expect(health.version).toBe(version);
    const root = simpleSpan();
    const child = simpleSpan({ parentSpanId: root.spanId });
    const keys = { url, publicKey: 'pk-lf-local', secretKey: 'sk-lf-local' };
    expect((await postOtlp(keys, toOtlpProtobuf({ spans: [root, child] }))).status).toBe(otlpStatus);
    if (otlpStatus === 200) {
      expect(await io.nextLine(/^otlp/)).toBe('otlp 2 spans, 3 events: 3 stored (trace-create 1, span-create 2)');
    }
    io.stop();
    expect(await exit).toBe(0);
    expect(io.out.some((line) => line.startsWith('otlp'))).toBe(otlpStatus === 200);
  });

  it('documents the modes and the OTLP endpoint in --help', async () => {
    const io = captureIo();
    await runCli(['--help'], io);
    const help = io.out.join('\n');
    expect(help).toContain('/api/public/otel/v1/traces');
    expect(help).toMatch(/v2 \| v3 \| v4-events-only \| cloud/);
  });

  it('exits 1 when it cannot listen', async () => {
    const first = captureIo();
    const running = runCli([], first);
    const url = /(http:\/\/\S+)/.exec(await first.nextLine(/listening on/))?.[1] ?? '';
    const port = new URL(url).port;
    const second = captureIo();
    expect(await runCli(['--port', port], second)).toBe(1);
    expect(second.err.join('\n')).toMatch(/could not start: .*EADDRINUSE/);
    first.stop();
    expect(await running).toBe(0);
  });
});
