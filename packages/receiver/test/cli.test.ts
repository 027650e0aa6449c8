import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../src/cli/cli-main.js';
import { renderTrace, type AssembledTrace } from '../src/index.js';
import { displayWidth } from '../src/traces/text-width.js';
import { scoreCreate, traceCreate } from './event-builders.js';
import { ingest } from './ingestion-client.js';
import { postOtlp } from './otlp-client.js';
import { simpleSpan, toOtlpProtobuf } from './otlp-payloads.js';
import { at, sampleTraceEvents, stored } from './trace-events.js';

interface CapturedIo extends CliIo {
  out: string[];
  err: string[];
  /** Resolves with the first stdout line matching the pattern. */
  nextLine(pattern: RegExp): Promise<string>;
  /** Resolves with the first stderr line matching the pattern. */
  nextErrLine(pattern: RegExp): Promise<string>;
  stop(): void;
}

type Watcher = { pattern: RegExp; resolve: (line: string) => void };

function captureIo(terminal: Pick<CliIo, 'isTTY' | 'columns' | 'env'> = {}): CapturedIo {
  const controller = new AbortController();
  const out: string[] = [];
  const err: string[] = [];
  const outWatchers: Watcher[] = [];
  const errWatchers: Watcher[] = [];
  const write = (lines: string[], watchers: Watcher[]) => (line: string) => {
    lines.push(line);
    for (const watcher of watchers) if (watcher.pattern.test(line)) watcher.resolve(line);
  };
  const next = (lines: string[], watchers: Watcher[]) => (pattern: RegExp) =>
    new Promise<string>((resolve) => {
      const seen = lines.find((line) => pattern.test(line));
      if (seen !== undefined) resolve(seen);
      else watchers.push({ pattern, resolve });
    });
  return {
    ...terminal,
    out,
    err,
    signal: controller.signal,
    stop: () => controller.abort(),
    stdout: write(out, outWatchers),
    stderr: write(err, errWatchers),
    nextLine: next(out, outWatchers),
    nextErrLine: next(err, errWatchers),
  };
}

const KEYS = { publicKey: 'pk-lf-local', secretKey: 'sk-lf-local' };
const ANSI = /\u001b\[[0-9;]*m/;

/** Starts the CLI and returns its URL (from stdout, or stderr with --json). */
async function startCli(argv: string[], io: CapturedIo): Promise<{ url: string; exit: Promise<number> }> {
  const exit = runCli(argv, io);
  const listening = argv.includes('--json') ? io.nextErrLine(/listening on/) : io.nextLine(/listening on/);
  const url = /(http:\/\/\S+)/.exec(await listening)?.[1];
  if (url === undefined) throw new Error('no URL printed');
  return { url, exit };
}

/** A port nothing listens on right now (the OS picks it; it is released before use). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function assembled(url: string, traceId: string): Promise<AssembledTrace> {
  const response = await fetch(`${url}/api/receiver/traces/${encodeURIComponent(traceId)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as AssembledTrace;
}

describe('CLI', () => {
  it('prints help and exits 0', async () => {
    const io = captureIo();
    expect(await runCli(['--help'], io)).toBe(0);
    const help = io.out.join('\n');
    for (const flag of [
      '--port',
      '--host',
      '--public-key',
      '--secret-key',
      '--mode',
      '--jsonl',
      '--quiet',
      '--json',
      '--quiet-ms',
      '--width',
      '--no-color',
      '--verbose',
      '--version',
      '--allow-host',
      '/api/receiver/traces',
    ]) {
      expect(help).toContain(flag);
    }
    expect(io.err).toEqual([]);
  });

  it('takes -h for --help', async () => {
    const long = captureIo();
    const short = captureIo();
    expect(await runCli(['--help'], long)).toBe(0);
    expect(await runCli(['-h'], short)).toBe(0);
    expect(short.out).toEqual(long.out);
    expect(short.out.join('\n')).toMatch(/-h, --help/);
  });

  it('prints the version from package.json with --version and exits 0', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const io = captureIo();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.out).toEqual([pkg.version]);
    expect(io.err).toEqual([]);
  });

  it('takes -p for --port', async () => {
    const port = await freePort();
    const io = captureIo();
    const { url, exit } = await startCli(['-p', String(port), '--quiet'], io);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`${url}/api/public/health`)).status).toBe(200);
    io.stop();
    expect(await exit).toBe(0);
  });

  it.each([
    [['--bogus'], /--bogus/],
    [['-p', 'abc'], /--port must be an integer/],
    [['--port', 'abc'], /--port must be an integer/],
    [['--port', '70000'], /--port must be an integer/],
    [['--mode', 'v5'], /--mode must be one of v2, v3, v4-events-only, cloud, got "v5"/],
    [['--port'], /--port/],
    [['serve'], /serve/],
    [['--secret-key', ''], /--secret-key must not be empty/],
    [['--quiet-ms', 'soon'], /--quiet-ms must be an integer between 0 and 3600000, got "soon"/],
    [['--quiet-ms=-5'], /--quiet-ms must be an integer/],
    [['--width', '20'], /--width must be an integer between 40 and 1000, got "20"/],
    [['--quiet', '--json'], /--quiet and --json cannot be combined/],
    [['--quiet', '--verbose'], /--quiet and --verbose cannot be combined/],
    [['--color'], /--color/],
  ])('exits 2 with a message for %j', async (argv, message) => {
    const io = captureIo();
    expect(await runCli(argv, io)).toBe(2);
    expect(io.err[0]).toMatch(message);
    expect(io.err.join('\n')).toContain('--help');
    expect(io.out).toEqual([]);
  });

  it('starts, prints the URL and, with --verbose, a line per batch, and stops cleanly when signalled', async () => {
    const io = captureIo();
    const secretKey = 'sk-lf-cli-secret-42';
    const exit = runCli(['--port', '0', '--public-key', 'pk-lf-cli', '--secret-key', secretKey, '--verbose'], io);
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

  it('prints the viewer URL and serves the viewer there; --no-ui serves none and prints none', async () => {
    const io = captureIo();
    const { url, exit } = await startCli(['--quiet'], io);
    expect(io.out).toContain(`Viewer (open in a browser, updates live): ${url}/`);
    expect((await fetch(`${url}/`)).headers.get('content-type')).toBe('text/html; charset=utf-8');
    io.stop();
    expect(await exit).toBe(0);

    const headless = captureIo();
    const second = await startCli(['--quiet', '--no-ui'], headless);
    expect(headless.out.some((line) => line.includes('Viewer'))).toBe(false);
    expect((await fetch(`${second.url}/`)).status).toBe(404);
    headless.stop();
    expect(await second.exit).toBe(0);
  });

  it('prints the default local secret, and neither batch lines nor traces with --quiet', async () => {
    const io = captureIo();
    const exit = runCli(['--quiet', '--mode', 'v4-events-only'], io);
    const line = await io.nextLine(/listening on/);
    const url = /(http:\/\/\S+)/.exec(line)?.[1] ?? '';
    expect(io.out.join('\n')).toContain('sk-lf-local');
    const health = (await (await fetch(`${url}/api/public/health`)).json()) as { version: string };
    expect(health.version).toMatch(/^4\./);
    await ingest({ url, ...KEYS }, [traceCreate()]);
    io.stop();
    expect(await exit).toBe(0);
    expect(io.out.some((text) => text.startsWith('batch') || text.startsWith('Trace'))).toBe(false);
    expect(io.out.at(-1)).toBe('Receiver stopped.');
  });

  it.each([
    ['v2', '2.95.0', 404],
    ['v3', '3.99.0', 200],
    ['v4-events-only', '4.0.0', 200],
    ['cloud', '4.0.0', 200],
  ])('--mode %s imitates that server (health %s, OTLP %i)', async (mode, version, otlpStatus) => {
    const io = captureIo();
    const exit = runCli(['--mode', mode, '--verbose'], io);
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

describe('CLI trace view', () => {
  it('prints each completed trace once as a waterfall, after its quiet period', async () => {
    const io = captureIo();
    const { url, exit } = await startCli(['--quiet-ms', '50'], io);
    await ingest({ url, ...KEYS }, sampleTraceEvents('cli-sample'));
    const printed = await io.nextLine(/^Trace answer-question/);
    expect(printed).toBe(renderTrace(await assembled(url, 'cli-sample'), { width: 80 }));
    expect(printed.split('\n').slice(0, 3)).toEqual([
      'Trace answer-question · 1.23s · 5 observations',
      'id cli-sample · user user-42 · session session-7 · tags alpha, demo',
      'span       answer-question                          1.23s |████████████████████|',
    ]);
    expect(printed).not.toMatch(ANSI);
    expect(io.out.some((line) => line.startsWith('batch'))).toBe(false); // batch lines need --verbose
    io.stop();
    expect(await exit).toBe(0);
    expect(io.out.filter((line) => line.startsWith('Trace '))).toHaveLength(1);
  });

  it('waits for the top-level observation to end, and prints again, marked updated, when the trace changes', async () => {
    const io = captureIo();
    const { url, exit } = await startCli(['--quiet-ms', '50'], io);
    await ingest({ url, ...KEYS }, [
      stored('trace-create', { id: 'slow', name: 'slow-trace' }, at(0)),
      stored('span-create', { id: 'slow-root', traceId: 'slow', name: 'root', startTime: at(0) }, at(0)),
      stored('span-create', { id: 'slow-child', traceId: 'slow', parentObservationId: 'slow-root', name: 'child', startTime: at(1), endTime: at(2) }, at(2)),
    ]);
    // A trace sent later, with the same quiet period: once it is printed, the open one has had its look.
    await ingest({ url, ...KEYS }, [stored('trace-create', { id: 'marker', name: 'marker-trace' })]);
    await io.nextLine(/^Trace marker-trace/);
    expect(io.out.some((line) => line.startsWith('Trace slow-trace'))).toBe(false);

    await ingest({ url, ...KEYS }, [stored('span-update', { id: 'slow-root', traceId: 'slow', endTime: at(10) }, at(10))]);
    const first = await io.nextLine(/^Trace slow-trace/);
    expect(first.split('\n')[0]).toBe('Trace slow-trace · 10ms · 2 observations');

    await ingest({ url, ...KEYS }, [scoreCreate({ traceId: 'slow', name: 'late-score', value: 1 })]);
    const updated = await io.nextLine(/^Trace slow-trace.*· updated/);
    expect(updated.split('\n')[0]).toBe('Trace slow-trace · 10ms · 2 observations · updated');
    expect(updated).toContain('scores late-score=1');
    io.stop();
    expect(await exit).toBe(0);
    expect(io.out.filter((line) => line.startsWith('Trace slow-trace'))).toHaveLength(2);
  });

  it('prints a trace of OTLP spans', async () => {
    const io = captureIo();
    const { url, exit } = await startCli(['--quiet-ms', '20'], io);
    const root = simpleSpan({ name: 'otlp-root' });
    const child = simpleSpan({ parentSpanId: root.spanId, name: 'otlp-child' });
    expect((await postOtlp({ url, ...KEYS }, toOtlpProtobuf({ spans: [child, root] }))).status).toBe(200);
    const printed = await io.nextLine(/^Trace otlp-root/);
    expect(printed).toMatch(/\nspan otlp-root +2\.38s \|/);
    expect(printed).toMatch(/\nspan {3}otlp-child +2\.38s \|/);
    io.stop();
    expect(await exit).toBe(0);
  });

  it('lists the media in a trace with the size the receiver stored', async () => {
    const io = captureIo();
    const { url, exit } = await startCli(['--quiet-ms', '20'], io);
    const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(34 * 1024, 7)]);
    const sha256Hash = createHash('sha256').update(bytes).digest('base64');
    const authorization = `Basic ${Buffer.from(`${KEYS.publicKey}:${KEYS.secretKey}`).toString('base64')}`;
    const registered = await fetch(`${url}/api/public/media`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ traceId: 'cli-media', contentType: 'image/png', contentLength: bytes.length, sha256Hash, field: 'input' }),
    });
    const { mediaId } = (await registered.json()) as { mediaId: string };
    const reference = `@@@langfuseMedia:type=image/png|id=${mediaId}|source=bytes@@@`;
    await ingest({ url, ...KEYS }, [
      stored('trace-create', { id: 'cli-media', name: 'media-trace', input: { text: 'what is it?', image: reference } }),
      stored('span-create', { id: 'cli-media-root', traceId: 'cli-media', name: 'root', startTime: at(0), endTime: at(5), output: [reference, '@@@langfuseMedia:type=audio/wav|id=unknown|source=bytes@@@'] }),
    ]);
    const printed = await io.nextLine(/^Trace media-trace/);
    expect(printed.split('\n')[1]).toBe('id cli-media · input [image/png 34 KB]');
    expect(printed).toContain('root  output [image/png 34 KB] [audio/wav]');
    expect(printed).not.toContain('@@@');
    io.stop();
    expect(await exit).toBe(0);
  });

  it('with --json, prints one JSON line per completed trace and nothing else on stdout', async () => {
    const io = captureIo({ isTTY: true });
    const { url, exit } = await startCli(['--json', '--quiet-ms', '20', '--verbose'], io);
    await ingest({ url, ...KEYS }, sampleTraceEvents('json-sample'));
    const line = await io.nextLine(/"id":"json-sample"/);
    expect(JSON.parse(line)).toEqual({ updated: false, ...(await assembled(url, 'json-sample')) });
    expect(await io.nextErrLine(/^batch of/)).toBe('batch of 7: 7 stored (trace-create 1, span-create 3, generation-create 1, event-create 1, score-create 1)');

    // A late score changes the trace: printed again, marked as an update.
    await ingest({ url, ...KEYS }, [scoreCreate({ traceId: 'json-sample', name: 'late-score', value: 1 })]);
    const again = await io.nextLine(/"updated":true/);
    expect(JSON.parse(again)).toEqual({ updated: true, ...(await assembled(url, 'json-sample')) });
    expect(again).toContain('late-score');
    io.stop();
    expect(await exit).toBe(0);
    expect(io.out).toEqual([line, again]);
    expect(line).not.toMatch(ANSI);
    expect(io.err).toContain('Receiver stopped.');
  });

  it('prints complete traces still in their quiet period on shutdown, but not unfinished ones', async () => {
    const io = captureIo();
    const { url, exit } = await startCli(['--quiet-ms', '600000'], io);
    await ingest({ url, ...KEYS }, [
      ...sampleTraceEvents('at-shutdown'),
      stored('span-create', { id: 'open-root', traceId: 'unfinished', name: 'open', startTime: at(0) }),
    ]);
    io.stop();
    expect(await exit).toBe(0);
    const traces = io.out.filter((line) => line.startsWith('Trace '));
    expect(traces.map((line) => line.split('\n')[0])).toEqual(['Trace answer-question · 1.23s · 5 observations']);
    expect(io.out.at(-1)).toBe('Receiver stopped.');
  });

  it('uses colours on a terminal, unless NO_COLOR or --no-color', async () => {
    const run = async (argv: string[], env: Record<string, string>): Promise<string> => {
      const io = captureIo({ isTTY: true, columns: 100, env });
      const { url, exit } = await startCli(['--quiet-ms', '20', ...argv], io);
      await ingest({ url, ...KEYS }, sampleTraceEvents(`color-${argv.join('')}-${Object.keys(env).join('')}`));
      const printed = await io.nextLine(/Trace /);
      io.stop();
      expect(await exit).toBe(0);
      return printed;
    };
    const colored = await run([], {});
    expect(colored).toMatch(ANSI);
    expect(colored.replace(/\u001b\[[0-9;]*m/g, '').split('\n').map(displayWidth)).toContain(100); // the terminal's width
    expect(await run([], { NO_COLOR: '1' })).not.toMatch(ANSI);
    expect(await run(['--no-color'], {})).not.toMatch(ANSI);
  });

  it('keeps the nesting visible at --width 40', async () => {
    const io = captureIo();
    const { url, exit } = await startCli(['--quiet-ms', '20', '--width', '40'], io);
    await ingest({ url, ...KEYS }, sampleTraceEvents('narrowest'));
    const printed = await io.nextLine(/^Trace /);
    expect(printed).toBe(renderTrace(await assembled(url, 'narrowest'), { width: 40 }));
    io.stop();
    expect(await exit).toBe(0);
    const lines = printed.split('\n');
    expect(lines.find((line) => line.startsWith('span') && line.includes('answer-q'))).toMatch(/^span {2}answer-/);
    expect(lines.find((line) => line.includes('retrieve'))).toMatch(/^span {4}retrieve-/);
    expect(lines.find((line) => line.includes('vector'))).toMatch(/^span {6}vector-/);
    expect(lines).toContain('          tokens 12 in / 5 out');
  });

  it('fits the waterfall in --width columns', async () => {
    const io = captureIo({ isTTY: true, columns: 200 });
    const { url, exit } = await startCli(['--quiet-ms', '20', '--width', '60', '--no-color'], io);
    await ingest({ url, ...KEYS }, sampleTraceEvents('narrow'));
    const printed = await io.nextLine(/^Trace /);
    io.stop();
    expect(await exit).toBe(0);
    const widths = printed.split('\n').map(displayWidth);
    expect(Math.max(...widths)).toBe(60);
  });
});
