// `pnpm bench -- --only=outage-spool`: a long outage, then recovery, with and without the on-disk spool.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver } from '@otel-langfuse/receiver';
import { Child, closedPort, fmt, table } from './harness.mjs';

/**
 * Ours (defaults, legacy path) against a dead loopback port for `durationMs` at the span rate, then a receiver comes
 * up on that port: spans delivered after recovery (of those made), peak heap and RSS over both phases, spool disk
 * bytes per span made in the outage, and the time from recovery until the spool is empty (without the spool: until
 * the final flush is done). One run per variant, one after the other, fresh processes.
 */
export async function outageSpool({ config, counter, log, results }) {
  const { durationMs, opsPerTick, tickMs, drainTimeoutMs } = config;
  const spanRate = (2 * opsPerTick * 1000) / tickMs;
  const variants = [
    { name: 'ours, no spool', spool: false },
    { name: 'ours, spoolDir set', spool: true },
  ];
  log(`outage-spool: ${variants.length} variants × ${durationMs / 1000} s at ${spanRate} spans/s, then recovery`);
  results.outageSpool = {};
  const rows = [];
  for (const variant of variants) {
    const port = await closedPort();
    const dir = variant.spool ? mkdtempSync(join(tmpdir(), 'otel-langfuse-bench-spool-')) : undefined;
    const processor = dir ? { spoolDir: dir } : {};
    const child = await Child.start('outageSpool', 'ours', { receiverUrl: `http://127.0.0.1:${port}`, options: { processor } });
    let receiver;
    try {
      const outage = await child.run({ phase: 'outage', opsPerTick, tickMs, durationMs });
      counter.reset();
      receiver = await startReceiver({ port, onBatch: counter.onBatch, ui: false });
      log(`outage-spool: ${variant.name}: outage over (${outage.ops * 2} spans, ${fmt(outage.disk / 2 ** 20)} MB spooled); receiver back`);
      const drain = await child.run({ phase: 'drain', drainTimeoutMs });
      const made = outage.ops * 2;
      const delivered = counter.count;
      const stats = drain.stats;
      results.outageSpool[variant.name] = { outage, drain, delivered, made };
      rows.push([
        variant.name,
        `${delivered.toLocaleString('en-US')} of ${made.toLocaleString('en-US')} (${fmt((100 * delivered) / made)} %)`,
        fmt(drain.peak.heap / 2 ** 20),
        fmt(drain.peak.rss / 2 ** 20),
        // Per span that went through the spool (all delivered after recovery came from it: the queue was flushed into it).
        variant.spool && delivered > 0 ? fmt(drain.peakDisk / delivered) : '–',
        variant.spool ? fmt(drain.peakDisk / 2 ** 20) : '–',
        drain.left > 0 ? `not empty after ${fmt(drain.drainMs / 1000)} s (${drain.left} segments left)` : fmt(drain.drainMs / 1000),
        variant.spool ? fmt(stats.resumed / (drain.drainMs / 1000)) : '–',
        variant.spool ? `spooled ${stats.spooled}, resumed ${stats.resumed}, evicted ${stats.evicted}` : Object.entries(stats.eventsDropped).map(([k, v]) => `${k}: ${v}`).join(', ') || '0',
      ]);
    } finally {
      await child.close();
      await receiver?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    title: `7. A ${durationMs / 1000} s outage at ${spanRate} spans/s (closed port), then recovery, with and without the on-disk spool (defaults otherwise; one run each)`,
    text: table(['variant', 'spans delivered after recovery', 'peak heap MB', 'peak RSS MB', 'spool disk bytes/span', 'peak spool MB', 'time to drain s', 'resent records/s', 'exporter counters (records: events)'], rows),
  };
}
