import { parseArgs } from 'node:util';
import type { ReceiverOptions } from './receiver-options.js';
import { RECEIVER_MODES, type ReceiverMode } from './server-mode.js';

export const HELP_TEXT = `Usage: otel-langfuse-receiver [options]

A local Langfuse-compatible receiver for demos and tests: POST /api/public/ingestion (legacy batches) and
POST /api/public/otel/v1/traces (OTLP protobuf or JSON, gzip allowed; not in mode v2).

Options:
  --port N             Port to listen on (default 0: pick a free port)
  --host HOST          Interface to listen on (default 127.0.0.1)
  --public-key KEY     Public key clients must send (default pk-lf-local)
  --secret-key KEY     Secret key clients must send (default sk-lf-local)
  --mode MODE          Server to imitate: ${RECEIVER_MODES.join(' | ')} (default v3)
                       v2: no OTLP; v3: both paths; v4-events-only, cloud: traces only over OTLP
  --jsonl FILE         Append every accepted event to FILE as one JSON line
  --quiet              Do not print a line per batch
  --help               Show this help

Read API (no auth): GET /api/receiver/events[?traceId=ID], /api/receiver/stats, /api/receiver/requests`;

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'serve'; options: ReceiverOptions; quiet: boolean };

/** Parses the command line; throws CliUsageError with a message for the user on a bad flag. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'public-key': { type: 'string' },
        'secret-key': { type: 'string' },
        mode: { type: 'string' },
        jsonl: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  if (values.help) return { kind: 'help' };

  const options: ReceiverOptions = {};
  if (values.port !== undefined) options.port = parsePort(values.port);
  if (values.host !== undefined) options.host = nonEmpty('--host', values.host);
  if (values['public-key'] !== undefined) options.publicKey = nonEmpty('--public-key', values['public-key']);
  if (values['secret-key'] !== undefined) options.secretKey = nonEmpty('--secret-key', values['secret-key']);
  if (values.mode !== undefined) options.mode = parseMode(values.mode);
  if (values.jsonl !== undefined) options.jsonlPath = nonEmpty('--jsonl', values.jsonl);
  return { kind: 'serve', options, quiet: values.quiet };
}

function parsePort(value: string): number {
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) {
    throw new CliUsageError(`--port must be an integer between 0 and 65535, got "${value}"`);
  }
  return port;
}

function parseMode(value: string): ReceiverMode {
  const mode = RECEIVER_MODES.find((candidate) => candidate === value);
  if (!mode) throw new CliUsageError(`--mode must be one of ${RECEIVER_MODES.join(', ')}, got "${value}"`);
  return mode;
}

function nonEmpty(flag: string, value: string): string {
  if (value.trim() === '') throw new CliUsageError(`${flag} must not be empty`);
  return value;
}
