import { once } from 'node:events';
import { colorEnabled } from '../traces/ansi.js';
import { CliUsageError, HELP_TEXT, parseCliArgs, type CliOutput } from './cli-args.js';
import { startReceiver, type Receiver } from '../receiver.js';
import { DEFAULT_PUBLIC_KEY, DEFAULT_SECRET_KEY, type BatchSummary } from '../config/receiver-options.js';
import type { AssembledTrace } from '../traces/trace-assembly.js';
import { mediaSizesOf } from '../traces/media-labels.js';
import { CompletedTraceWatcher } from '../traces/trace-printer.js';
import { RECEIVER_VERSION } from '../version.js';
import { DEFAULT_RENDER_WIDTH, MIN_RENDER_WIDTH, renderTrace } from '../traces/trace-render.js';

export interface CliIo {
  /** Writes one line (a rendered trace is one call holding several lines). */
  stdout(line: string): void;
  stderr(line: string): void;
  /** Aborting it stops the receiver (the CLI wires SIGINT/SIGTERM to it). */
  signal: AbortSignal;
  /** Whether stdout is a terminal (colours); default false. */
  isTTY?: boolean;
  /** The terminal's width, when stdout is one; read at each print, so it may be a getter following resizes. */
  columns?: number;
  /** For NO_COLOR, FORCE_COLOR and TERM; default none set. */
  env?: Readonly<Record<string, string | undefined>>;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Runs the receiver CLI until io.signal aborts; resolves with the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let command;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    io.stderr(`otel-langfuse-receiver: ${error.message}`);
    io.stderr('Run otel-langfuse-receiver --help for usage.');
    return EXIT_USAGE;
  }
  if (command.kind === 'help') {
    io.stdout(HELP_TEXT);
    return EXIT_OK;
  }
  if (command.kind === 'version') {
    io.stdout(RECEIVER_VERSION);
    return EXIT_OK;
  }

  const { output } = command;
  // With --json, stdout carries only the JSON lines; everything else goes to stderr.
  const info = output.traces === 'json' ? io.stderr : io.stdout;
  let receiver: Receiver | undefined;
  const watcher = output.traces === 'none' ? undefined : traceWatcher(output, io, () => receiver);
  try {
    receiver = await startReceiver({
      ...command.options,
      onBatch: output.batches ? (summary) => info(formatBatch(summary)) : undefined,
      onEvent: watcher ? (event, outcome) => outcome.accepted && watcher.touchEvent(event) : undefined,
    });
  } catch (error) {
    watcher?.close();
    io.stderr(`otel-langfuse-receiver: could not start: ${(error as Error).message}`);
    return EXIT_FAILURE;
  }

  info(`Langfuse receiver listening on ${receiver.url}`);
  const builtInKeys = receiver.publicKey === DEFAULT_PUBLIC_KEY && receiver.secretKey === DEFAULT_SECRET_KEY;
  if (!isLoopback(command.options.host ?? '127.0.0.1') && builtInKeys) {
    io.stderr('Warning: listening beyond loopback with the built-in keys; the viewer and the /api/receiver read API have no authentication (set --public-key and --secret-key).');
  }
  info(`  LANGFUSE_BASE_URL=${receiver.url}`);
  info(`  LANGFUSE_PUBLIC_KEY=${receiver.publicKey}`);
  // A custom secret is never printed; the built-in local one is public anyway.
  info(
    receiver.secretKey === DEFAULT_SECRET_KEY
      ? `  LANGFUSE_SECRET_KEY=${DEFAULT_SECRET_KEY}`
      : '  LANGFUSE_SECRET_KEY=<the secret key you configured>',
  );
  // With keys configured the link holds a one-time token: it signs in the first browser that opens it.
  if (command.options.ui !== false) info(`Viewer (open in a browser, updates live): ${receiver.viewerUrl()}`);
  if (command.options.jsonlPath !== undefined) info(`Appending accepted events to ${command.options.jsonlPath}`);

  if (!io.signal.aborted) await once(io.signal, 'abort');
  // Traces still in their quiet period are printed now (those whose top-level observations have ended).
  watcher?.flush();
  try {
    await receiver.close();
  } catch (error) {
    io.stderr(`otel-langfuse-receiver: error while stopping: ${(error as Error).message}`);
    return EXIT_FAILURE;
  }
  info('Receiver stopped.');
  return EXIT_OK;
}

function traceWatcher(output: CliOutput, io: CliIo, receiver: () => Receiver | undefined): CompletedTraceWatcher {
  const color = output.traces === 'waterfall' && colorEnabled({ isTTY: io.isTTY ?? false, env: io.env ?? {}, noColorFlag: output.noColor });
  const print =
    output.traces === 'json'
      ? (trace: AssembledTrace, { updated }: { updated: boolean }) => io.stdout(JSON.stringify({ updated, ...trace }))
      : (trace: AssembledTrace, { updated }: { updated: boolean }) => {
          // Media references show with their stored size: `input [image/png 34 KB]`.
          const mediaSize = mediaSizesOf(() => receiver()?.media() ?? []);
          io.stdout(renderTrace(trace, { width: output.width ?? terminalWidth(io), color, note: updated ? 'updated' : undefined, mediaSize }));
          io.stdout('');
        };
  return new CompletedTraceWatcher({
    quietMs: output.quietMs,
    lookup: (traceId) => receiver()?.trace(traceId),
    print,
  });
}

/** The terminal's width when stdout is one (at least the minimum), else 80. */
function terminalWidth(io: CliIo): number {
  if (!io.isTTY || io.columns === undefined || !Number.isInteger(io.columns) || io.columns <= 0) return DEFAULT_RENDER_WIDTH;
  return Math.max(MIN_RENDER_WIDTH, io.columns);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * e.g. `batch of 4: 2 stored (trace-create 1, span-create 1), 1 duplicate, 1 rejected`, or for OTLP
 * `otlp 2 spans, 3 events: 3 stored (trace-create 1, span-create 2)`.
 */
export function formatBatch(summary: BatchSummary): string {
  const stored = summary.accepted - summary.duplicates;
  const byType = Object.entries(summary.storedByType)
    .map(([type, count]) => `${type} ${count}`)
    .join(', ');
  const parts = [`${stored} stored${byType ? ` (${byType})` : ''}`];
  if (summary.duplicates > 0) parts.push(`${summary.duplicates} duplicate`);
  if (summary.rejected > 0) parts.push(`${summary.rejected} rejected`);
  if (summary.path === 'otlp') return `otlp ${summary.spans ?? 0} spans, ${summary.received} events: ${parts.join(', ')}`;
  return `batch of ${summary.received}: ${parts.join(', ')}`;
}
