import { parseArgs } from 'node:util';

export const REPLAY_HELP = `Usage: otel-langfuse-replay --file FILE [options]
       otel-langfuse-replay --spool-dir DIR [options]

Sends the records of a dead-letter file (written by the exporter's deadLetterPath) to Langfuse or to the
local receiver. Legacy-path records go to /api/public/ingestion, OTLP-path records to /api/public/otel/v1/traces.
Envelope and span ids are deterministic, so replaying a file twice (or one that was partly delivered) stores each
event once. Records are deduplicated within a run. With --spool-dir, the segments of an exporter's spool directory
(spoolDir) are sent oldest first, each locked while sent (a running exporter skips it) and deleted once all its
records were answered for good; records that fail their checksum are skipped and counted as invalid.

Options:
  --file FILE          The dead-letter JSONL file (this or --spool-dir is required)
  --spool-dir DIR      An exporter's spool directory: drain it by hand
  --base-url URL       Langfuse base URL (default: LANGFUSE_BASE_URL, LANGFUSE_BASEURL or LANGFUSE_HOST; one is required)
  --public-key KEY     Public key (default: LANGFUSE_PUBLIC_KEY)
  --secret-key KEY     Secret key (default: LANGFUSE_SECRET_KEY; prefer the variable: a flag shows in the process list)
  --dry-run            Read and check the file, count what would be sent; send nothing (no keys needed)
  --timeout-ms N       Deadline of each group of requests, retries included, in ms (default 60000)
  --max-retries N      Retries of a request after 408/429/5xx or a network error (default 5)
  --json               Print the result as one JSON object instead of text
  --help               Show this help

Exit codes: 0 every record was delivered (or, with --dry-run, every line is a valid record); 1 some records were
invalid, rejected or not delivered; 2 bad usage (unknown flag, bad value, missing file, URL or keys).`;

export class ReplayUsageError extends Error {
  override readonly name = 'ReplayUsageError';
}

export interface ReplayCommand {
  kind: 'replay';
  /** The dead-letter file, or the spool directory. */
  file: string;
  /** Set (to `file`) when `file` is a spool directory. */
  spoolDir?: string | undefined;
  baseUrl: string | undefined;
  publicKey: string | undefined;
  secretKey: string | undefined;
  dryRun: boolean;
  timeoutMs: number;
  maxRetries: number;
  json: boolean;
}

export type ReplayArgs = { kind: 'help' } | ReplayCommand;

function integer(raw: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ReplayUsageError(`${flag} must be an integer in ${min}..${max} (got ${JSON.stringify(raw.slice(0, 40))})`);
  }
  return value;
}

const text = (value: string | undefined): string | undefined => (value !== undefined && value.trim() !== '' ? value.trim() : undefined);

/** Parses the command line; throws ReplayUsageError with a message for the user on a bad flag. */
export function parseReplayArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ReplayArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        file: { type: 'string' },
        'spool-dir': { type: 'string' },
        'base-url': { type: 'string' },
        'public-key': { type: 'string' },
        'secret-key': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'timeout-ms': { type: 'string' },
        'max-retries': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    // Node's message quotes the offending argument; a stray value (a key typed without its flag) must not be echoed.
    const message = error instanceof Error ? error.message.replace(/'([^'-][^']*)'/g, "'…'") : 'invalid arguments';
    throw new ReplayUsageError(message);
  }
  if (values.help) return { kind: 'help' };
  const spoolDir = text(values['spool-dir']);
  if (spoolDir !== undefined && values.file !== undefined) throw new ReplayUsageError('give --file or --spool-dir, not both');
  const file = spoolDir ?? text(values.file);
  if (file === undefined) throw new ReplayUsageError('--file is required (or --spool-dir)');
  return {
    kind: 'replay',
    file,
    ...(spoolDir !== undefined && { spoolDir }),
    baseUrl: text(values['base-url']) ?? text(env['LANGFUSE_BASE_URL']) ?? text(env['LANGFUSE_BASEURL']) ?? text(env['LANGFUSE_HOST']),
    publicKey: text(values['public-key']) ?? text(env['LANGFUSE_PUBLIC_KEY']),
    secretKey: text(values['secret-key']) ?? text(env['LANGFUSE_SECRET_KEY']),
    dryRun: values['dry-run'] === true,
    timeoutMs: integer(values['timeout-ms'], '--timeout-ms', 60_000, 1, 3_600_000),
    maxRetries: integer(values['max-retries'], '--max-retries', 5, 0, 100),
    json: values.json === true,
  };
}
