import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseModelPrices, type ModelPrice } from '../viewer/model-prices.js';
import type { ReceiverOptions } from '../config/receiver-options.js';
import { RECEIVER_MODES, type ReceiverMode } from '../modes/server-mode.js';
import { MIN_RENDER_WIDTH } from '../traces/trace-render.js';

export const DEFAULT_QUIET_MS = 1000;
const MAX_QUIET_MS = 3_600_000;
const MAX_WIDTH = 1000;

export const HELP_TEXT = `Usage: otel-langfuse-receiver [options]

A local Langfuse-compatible receiver for demos and tests: POST /api/public/ingestion (legacy batches) and
POST /api/public/otel/v1/traces (OTLP protobuf or JSON, gzip allowed; not in mode v2).
Without installing it: npx @otel-langfuse/receiver [options].

Options:
  -p, --port N         Port to listen on (default 0: pick a free port)
  --host HOST          Interface to listen on (default 127.0.0.1)
  --public-key KEY     Public key clients must send (default pk-lf-local)
  --secret-key KEY     Secret key clients must send (default sk-lf-local)
  --mode MODE          Server to imitate: ${RECEIVER_MODES.join(' | ')} (default v3)
                       v2: no OTLP; v3: both paths; v4-events-only, cloud: traces only over OTLP
  --jsonl FILE         Append every accepted event to FILE as one JSON line
  --no-ui              Do not serve the browser trace viewer (default: served at the receiver's URL, /)
                       With --public-key/--secret-key the viewer and the read API ask for the keys (Basic auth);
                       the printed viewer link holds a one-time token that signs one browser in
  --allow-host NAME    Also serve the viewer and the read API to requests with NAME in Host (repeatable), e.g.
                       behind a proxy that rewrites Host; otherwise only IP addresses and localhost are
                       accepted there (a guard against DNS rebinding)
  --prices FILE        A JSON model price table: the viewer derives the cost of observations that carry usage
                       but no cost, marked as derived (format: docs/receiver-ui.md)

Output (stdout):
  Each completed trace is printed as a waterfall: header (name, duration, user, session, tags), then one line per
  observation indented under its parent, with type, name, duration, a bar placed in the trace's time span, model
  and tokens for generations, level and status message when not DEFAULT. A trace is complete when no event for it
  arrived for --quiet-ms and its top-level observations have ended; it is printed again, marked "updated", when
  later events change it. On shutdown, complete traces not printed yet are printed at once.
  --json               One JSON line per completed trace instead of the waterfall: {"updated": false|true,
                       ...the assembled trace as GET /api/receiver/traces/ID returns it}; "updated" is true when
                       the trace was printed before and later events changed it. Startup lines then go to stderr
  --quiet-ms N         Quiet period in milliseconds before a trace counts as complete (default ${DEFAULT_QUIET_MS})
  --width N            Columns of the waterfall (default: the terminal's width, or 80; at least ${MIN_RENDER_WIDTH})
  --no-color           No colours (default: colours when stdout is a terminal and NO_COLOR is unset;
                       FORCE_COLOR=1 forces them)
  --verbose            Also print a line per legacy batch and per OTLP request (stderr with --json)
  --quiet              Print neither traces nor batch lines (only the startup lines)
  -h, --help           Show this help
  --version            Print the version

Read API (open with the built-in keys; with keys configured, Basic auth with them or the viewer's sign-in):
  GET /api/receiver/events[?traceId=ID], /api/receiver/stats, /api/receiver/requests,
  /api/receiver/traces (id, name, observation count, start, duration), /api/receiver/traces/ID (one trace);
  for the viewer: /api/receiver/trace-rows (filtered pages, newest first), /api/receiver/trace-views/ID (a trace
  with tokens and cost rolled up), /api/receiver/sessions/ID (a session's traces, oldest first),
  /api/receiver/media/ID (stored media bytes), /api/receiver/live (server-sent events)`;

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'serve'; options: ReceiverOptions; output: CliOutput };

export interface CliOutput {
  /** 'waterfall' (default), 'json' (a JSON line per completed trace) or 'none' (--quiet). */
  traces: 'waterfall' | 'json' | 'none';
  /** Print a line per batch (--verbose). */
  batches: boolean;
  quietMs: number;
  /** --width; undefined: the terminal's width, or 80. */
  width: number | undefined;
  /** --no-color was given. */
  noColor: boolean;
}

/** Parses the command line; throws CliUsageError with a message for the user on a bad flag. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        'public-key': { type: 'string' },
        'secret-key': { type: 'string' },
        mode: { type: 'string' },
        jsonl: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'quiet-ms': { type: 'string' },
        width: { type: 'string' },
        'no-color': { type: 'boolean', default: false },
        'no-ui': { type: 'boolean', default: false },
        prices: { type: 'string' },
        'allow-host': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };

  const options: ReceiverOptions = {};
  if (values.port !== undefined) options.port = parsePort(values.port);
  if (values.host !== undefined) options.host = nonEmpty('--host', values.host);
  if (values['public-key'] !== undefined) options.publicKey = nonEmpty('--public-key', values['public-key']);
  if (values['secret-key'] !== undefined) options.secretKey = nonEmpty('--secret-key', values['secret-key']);
  if (values.mode !== undefined) options.mode = parseMode(values.mode);
  if (values.jsonl !== undefined) options.jsonlPath = nonEmpty('--jsonl', values.jsonl);
  if (values['no-ui']) options.ui = false;
  if (values['allow-host'] !== undefined) options.allowedHosts = values['allow-host'].map((name) => nonEmpty('--allow-host', name));
  if (values.prices !== undefined) options.modelPrices = readPriceTable(nonEmpty('--prices', values.prices));
  if (values.quiet && values.json) throw new CliUsageError('--quiet and --json cannot be combined');
  if (values.quiet && values.verbose) throw new CliUsageError('--quiet and --verbose cannot be combined');
  const output: CliOutput = {
    traces: values.quiet ? 'none' : values.json ? 'json' : 'waterfall',
    batches: values.verbose,
    quietMs: values['quiet-ms'] === undefined ? DEFAULT_QUIET_MS : parseInteger('--quiet-ms', values['quiet-ms'], 0, MAX_QUIET_MS),
    width: values.width === undefined ? undefined : parseInteger('--width', values.width, MIN_RENDER_WIDTH, MAX_WIDTH),
    noColor: values['no-color'],
  };
  return { kind: 'serve', options, output };
}

function readPriceTable(path: string): ModelPrice[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliUsageError(`--prices: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return parseModelPrices(JSON.parse(text));
  } catch (error) {
    throw new CliUsageError(`--prices: ${path}: ${(error as Error).message}`);
  }
}

function parseInteger(flag: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CliUsageError(`${flag} must be an integer between ${min} and ${max}, got "${value}"`);
  }
  return n;
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
