import { once } from 'node:events';
import { CliUsageError, HELP_TEXT, parseCliArgs } from './cli-args.js';
import { startReceiver } from './receiver.js';
import { DEFAULT_SECRET_KEY, type BatchSummary } from './receiver-options.js';

export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Aborting it stops the receiver (the CLI wires SIGINT/SIGTERM to it). */
  signal: AbortSignal;
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

  let receiver;
  try {
    receiver = await startReceiver({
      ...command.options,
      onBatch: command.quiet ? undefined : (summary) => io.stdout(formatBatch(summary)),
    });
  } catch (error) {
    io.stderr(`otel-langfuse-receiver: could not start: ${(error as Error).message}`);
    return EXIT_FAILURE;
  }

  io.stdout(`Langfuse receiver listening on ${receiver.url}`);
  if (!isLoopback(command.options.host ?? '127.0.0.1')) {
    io.stderr('Warning: listening beyond loopback; the /api/receiver read API has no authentication.');
  }
  io.stdout(`  LANGFUSE_BASE_URL=${receiver.url}`);
  io.stdout(`  LANGFUSE_PUBLIC_KEY=${receiver.publicKey}`);
  // A custom secret is never printed; the built-in local one is public anyway.
  io.stdout(
    receiver.secretKey === DEFAULT_SECRET_KEY
      ? `  LANGFUSE_SECRET_KEY=${DEFAULT_SECRET_KEY}`
      : '  LANGFUSE_SECRET_KEY=<the secret key you configured>',
  );
  if (command.options.jsonlPath !== undefined) io.stdout(`Appending accepted events to ${command.options.jsonlPath}`);

  if (!io.signal.aborted) await once(io.signal, 'abort');
  try {
    await receiver.close();
  } catch (error) {
    io.stderr(`otel-langfuse-receiver: error while stopping: ${(error as Error).message}`);
    return EXIT_FAILURE;
  }
  io.stdout('Receiver stopped.');
  return EXIT_OK;
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
