import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExportResult } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { exporterFor, exportSpans, makeSpans, succeeded, useExporterTestBed } from '../helpers.js';

const bed = useExporterTestBed({ receiver: { mode: 'v4-events-only' }, captureDiag: true });

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const observationIds = () =>
  bed.receiver().events().filter((e) => e.type !== 'trace-create').map((e) => String(e.body['id']));

describe("transport 'auto' when the route switches while an export is on the legacy path (v4 server)", () => {
  it('two concurrent exports: every span is resent over OTLP and stored once, none rejected', async () => {
    const receiver = bed.receiver();
    // Both legacy requests are answered late, so the second is in flight when the first refusal switches the route.
    receiver.faults.push({ delayMs: 300, times: 2 });
    const exporter = exporterFor(receiver, { transport: 'auto' });
    const spans = makeSpans(4, { 'langfuse.observation.type': 'generation' });
    const results = await Promise.all([exportSpans(exporter, spans.slice(0, 2)), exportSpans(exporter, spans.slice(2))]);
    await exporter.shutdown();

    expect(receiver.requests().slice(0, 2).map((r) => r.endpoint)).toEqual(['ingestion', 'ingestion']);
    expect(results.every(succeeded)).toBe(true);
    expect(observationIds().sort()).toEqual(spans.map((s) => s.spanContext().spanId).sort());
    const stats = exporter.stats();
    expect(stats.transport).toBe('otlp');
    expect(stats.spansResent).toBe(4);
    expect(stats.eventsRejected).toEqual({});
    expect(bed.logs().lines.filter((l) => l.message.includes("transport 'auto':"))).toHaveLength(1);
  });

  it("a spool resend switches the route while a live export's legacy request is in flight: that export is resent too", async () => {
    const receiver = bed.receiver();
    // The first export is answered 503 and spooled; the second one's legacy answer waits long enough for the spool
    // to resend the first one, meet the v4 refusal and switch the route.
    receiver.faults.push({ status: 503 }, { delayMs: 10_000 });
    const exporter = exporterFor(receiver, {
      transport: 'auto',
      maxRetries: 0,
      requestTimeoutMs: 30_000,
      exportTimeoutMs: 40_000,
      spoolDir: mkdtempSync(join(tmpdir(), 'auto-route-race-')),
    });
    const [spooled, live] = [makeSpans(2, { 'langfuse.observation.type': 'generation' }), makeSpans(1, { 'langfuse.observation.type': 'generation' })];
    await exportSpans(exporter, spooled);
    await until(() => exporter.stats().spooled > 0);
    let result: ExportResult | undefined;
    exporter.export(live, (r) => (result = r));

    await until(() => exporter.stats().resumed > 0);
    expect(exporter.stats().transport).toBe('otlp');
    expect(result).toBeUndefined(); // the switch came from the spool, with the live export still waiting
    await until(() => result !== undefined);
    await exporter.shutdown();

    expect(succeeded(result!)).toBe(true);
    expect(observationIds().sort()).toEqual([...spooled, ...live].map((s) => s.spanContext().spanId).sort());
    expect(exporter.stats().spansResent).toBe(1);
    expect(exporter.stats().eventsRejected).toEqual({});
  }, 30_000);
});
