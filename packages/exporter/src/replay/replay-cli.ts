import { stat } from 'node:fs/promises';
import { ComponentLogger } from '../diagnostics/component-logger.js';
import type { DeadLetterOtlpRecord } from '../losses/dead-letter-record.js';
import { describeError } from '../diagnostics/describe-error.js';
import { DEFAULTS } from '../config/exporter-options.js';
import type { DeliverableEvent } from '../wire/ingestion-event.js';
import { resolveExporterConfig } from '../config/resolve-exporter-config.js';
import { parseReplayArgs, REPLAY_HELP, ReplayUsageError, type ReplayCommand } from './replay-args.js';
import { readDeadLetterFile } from './replay-reader.js';
import { lockedSegments } from '../spool/spool-segment-records.js';
import type { DeadLetterRecord } from '../losses/dead-letter-record.js';
import { emptyTally, ReplaySender, type ReplayTally } from './replay-sender.js';

export const REPLAY_COMMAND = 'otel-langfuse-replay';

export interface ReplayIo {
  stdout(line: string): void;
  stderr(line: string): void;
  env: Readonly<Record<string, string | undefined>>;
}

/** What a run found and did (printed as text, or as JSON with `--json`). */
export interface ReplayReport extends ReplayTally {
  file: string;
  dryRun: boolean;
  /** Valid records read (duplicates included). */
  records: number;
  /** Unique records for each endpoint. */
  ingestionEvents: number;
  otlpSpans: number;
  invalidLines: number;
  /** Records whose id was already seen in this run: sent once. */
  duplicatesSkipped: number;
  /** Why the exporter gave up on them, as recorded in the file. */
  recordedReasons: Record<string, number>;
}

/** Records sent per group: one deadline covers a group. */
const GROUP_EVENTS = 1_000;
const GROUP_SPANS = 500;

/**
 * The replay command: reads a dead-letter file and sends its records again. Returns the exit code (0 all delivered,
 * 1 something invalid, rejected or not delivered, 2 bad usage). Never throws; never prints a key.
 */
export async function runReplayCli(argv: readonly string[], io: ReplayIo): Promise<number> {
  let args;
  try {
    args = parseReplayArgs(argv, io.env);
  } catch (error) {
    io.stderr(`${REPLAY_COMMAND}: ${error instanceof ReplayUsageError ? error.message : describeError(error)}`);
    io.stderr(`Run ${REPLAY_COMMAND} --help for usage.`);
    return 2;
  }
  if (args.kind === 'help') {
    io.stdout(REPLAY_HELP);
    return 0;
  }
  const usage = await usageProblem(args, io);
  if (usage !== undefined) {
    io.stderr(`${REPLAY_COMMAND}: ${usage}`);
    return 2;
  }
  const log = new ComponentLogger(REPLAY_COMMAND, [args.secretKey, io.env['LANGFUSE_SECRET_KEY']]);
  const sender = args.dryRun
    ? undefined
    : new ReplaySender(
        {
          baseUrl: args.baseUrl!.replace(/\/+$/, ''),
          publicKey: args.publicKey!,
          secretKey: args.secretKey!,
          timeoutMs: args.timeoutMs,
          maxRetries: args.maxRetries,
          maxBatchBytes: DEFAULTS.maxBatchBytes,
        },
        log,
      );
  const report: ReplayReport = {
    file: args.file,
    dryRun: args.dryRun,
    records: 0,
    ingestionEvents: 0,
    otlpSpans: 0,
    invalidLines: 0,
    duplicatesSkipped: 0,
    recordedReasons: {},
    ...emptyTally(),
  };
  try {
    await replay(args, report, sender, io);
  } catch (error) {
    io.stderr(`${REPLAY_COMMAND}: reading ${args.file} failed: ${log.scrub(describeError(error))}`);
    report.failed['read-error'] = (report.failed['read-error'] ?? 0) + 1;
  } finally {
    sender?.shutdown();
  }
  print(report, args.json, io);
  const undelivered = Object.values(report.rejected).concat(Object.values(report.failed)).reduce((a, b) => a + b, 0);
  return report.invalidLines === 0 && undelivered === 0 ? 0 : 1;
}

async function usageProblem(args: ReplayCommand, io: ReplayIo): Promise<string | undefined> {
  const file = await stat(args.file).catch(() => undefined);
  if (args.spoolDir !== undefined) {
    if (!file?.isDirectory()) return `--spool-dir ${args.file}: no such directory`;
  } else if (!file?.isFile()) return `--file ${args.file}: no such file`;
  if (args.dryRun) return undefined;
  if (args.baseUrl === undefined) return 'no base URL: pass --base-url or set LANGFUSE_BASE_URL';
  if (args.publicKey === undefined || args.secretKey === undefined) {
    return 'no keys: set LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY (or pass --public-key / --secret-key)';
  }
  const resolved = resolveExporterConfig({ baseUrl: args.baseUrl, publicKey: args.publicKey, secretKey: args.secretKey }, {});
  if (!resolved.ok) return resolved.reason;
  for (const warning of resolved.warnings) io.stderr(`${REPLAY_COMMAND}: warning: ${warning}`);
  args.baseUrl = resolved.config.baseUrl;
  return undefined;
}

async function replay(args: ReplayCommand, report: ReplayReport, sender: ReplaySender | undefined, io: ReplayIo): Promise<void> {
  const seen = new Set<string>();
  let events: DeliverableEvent[] = [];
  let spans: DeadLetterOtlpRecord[] = [];
  const flushEvents = async () => {
    if (events.length > 0) await sender?.sendEvents(events, report);
    events = [];
  };
  const flushSpans = async () => {
    if (spans.length > 0) await sender?.sendOtlp(spans, report);
    spans = [];
  };
  const onInvalid = ({ line, problem }: { line: number; problem: string }) => {
    report.invalidLines++;
    if (report.invalidLines <= 5) io.stderr(`${REPLAY_COMMAND}: line ${line} skipped: ${problem}`);
  };
  const take = async (record: DeadLetterRecord) => {
    report.records++;
    report.recordedReasons[record.reason] = (report.recordedReasons[record.reason] ?? 0) + 1;
    const key = record.path === 'ingestion' ? `event:${record.event.id}` : `span:${record.traceId}:${record.spanId}`;
    if (seen.has(key)) {
      report.duplicatesSkipped++;
      return;
    }
    seen.add(key);
    if (record.path === 'ingestion') {
      report.ingestionEvents++;
      events.push(record.event);
      if (events.length >= GROUP_EVENTS) await flushEvents();
    } else {
      report.otlpSpans++;
      spans.push(record);
      if (spans.length >= GROUP_SPANS) await flushSpans();
    }
  };
  if (args.spoolDir !== undefined) {
    // Segment by segment: one is deleted once none of its records is left undelivered.
    for await (const segment of lockedSegments(args.spoolDir)) {
      if (segment.invalid > 0) io.stderr(`${REPLAY_COMMAND}: ${segment.path}: ${segment.invalid} torn or corrupt records skipped`);
      report.invalidLines += segment.invalid;
      const failedBefore = Object.values(report.failed).reduce((a, b) => a + b, 0);
      for (const record of segment.records) await take(record);
      await flushEvents();
      await flushSpans();
      const failedAfter = Object.values(report.failed).reduce((a, b) => a + b, 0);
      if (sender && failedAfter === failedBefore) await segment.remove();
    }
    return;
  }
  for await (const record of readDeadLetterFile(args.file, onInvalid)) await take(record);
  await flushEvents();
  await flushSpans();
}

function print(report: ReplayReport, json: boolean, io: ReplayIo): void {
  if (json) {
    io.stdout(JSON.stringify(report));
    return;
  }
  const list = (record: Record<string, number>) => Object.entries(record).map(([reason, n]) => `${n} ${reason}`).join(', ') || 'none';
  io.stdout(
    `${report.file}: ${report.records} records (${report.ingestionEvents} events for the ingestion API, ${report.otlpSpans} spans for OTLP), ` +
      `${report.duplicatesSkipped} duplicates skipped, ${report.invalidLines} invalid lines; recorded reasons: ${list(report.recordedReasons)}`,
  );
  if (report.dryRun) {
    io.stdout('dry run: nothing was sent');
    return;
  }
  io.stdout(`delivered ${report.accepted}; rejected: ${list(report.rejected)}; not delivered: ${list(report.failed)}`);
}
