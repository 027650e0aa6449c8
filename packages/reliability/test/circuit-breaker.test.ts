import { describe, expect, it } from 'vitest';
import { ExportResultCode } from '@opentelemetry/core';
import { langfuse, setupLangfuse } from '@otel-langfuse/tracing';
import { exportSpans, exporterFor, makeSpans } from '@otel-langfuse/test-support';
import { DropLog, guardSuite, observe, PUBLIC_KEY, recordFigures, SECRET_KEY, sleep, useSuiteReceiver } from './harness.js';

const SUITE = 'circuit';
const guard = guardSuite(SUITE);
const receiver = useSuiteReceiver();

describe('circuit breaker', () => {
  it('opens after N consecutive failures, sheds without requests, probes once per cool-down and recovers', async () => {
    receiver().reset();
    receiver().faults.push({ status: 503, times: 10_000 });
    const mark = guard.logs().lines.length;
    const drops = new DropLog();
    const exporter = exporterFor(receiver(), {
      maxRetries: 2,
      circuitBreakerThreshold: 3,
      circuitBreakerCooldownMs: 500,
      circuitBreakerMaxCooldownMs: 1_000,
      onDrop: drops.hook,
    });
    const produced: string[] = [];
    const send = async (n = 1) => {
      const spans = makeSpans(n);
      produced.push(...spans.map((s) => s.spanContext().spanId));
      return exportSpans(exporter, spans);
    };

    for (let i = 0; i < 3; i++) expect((await send()).code).toBe(ExportResultCode.FAILED);
    expect(receiver().stats().requests).toBe(9); // 3 exports × (1 + 2 retries)
    expect(exporter.stats()).toMatchObject({ circuitState: 'open', circuitOpened: 1 });

    // Open: refused at once, no request, counted, reported as handled (no error per batch from the processor).
    for (let i = 0; i < 20; i++) expect((await send(2)).code).toBe(ExportResultCode.SUCCESS);
    expect(receiver().stats().requests).toBe(9);
    expect(exporter.stats().eventsDropped['circuit-open']).toBe(40);

    // After the cool-down one probe goes out: a single attempt, no retries. It fails: open again, for longer.
    await sleep(550);
    expect((await send()).code).toBe(ExportResultCode.FAILED);
    expect(receiver().stats().requests).toBe(10);
    expect(exporter.stats()).toMatchObject({ circuitState: 'open', circuitOpened: 2 });
    await send();
    expect(receiver().stats().requests).toBe(10);

    // The server is back: the next probe succeeds and closes the circuit; delivery goes on as normal.
    receiver().faults.clear();
    await sleep(1_050);
    for (let i = 0; i < 3; i++) expect((await send()).code).toBe(ExportResultCode.SUCCESS);
    expect(exporter.stats().circuitState).toBe('closed');
    const stored = receiver().events().filter((e) => e.type !== 'trace-create').map((e) => e.body.id);
    expect(stored).toHaveLength(3);

    // Each state change said once; 20 refused exports said nothing.
    const lines = guard.since(mark);
    expect(lines.filter((l) => l.message.includes('circuit open:'))).toHaveLength(1);
    expect(lines.filter((l) => l.message.includes('circuit closed'))).toHaveLength(1);
    expect(lines.filter((l) => l.level === 'warn' || l.level === 'error').length).toBeLessThan(6);

    await exporter.shutdown();
    const dropped = new Set(drops.observationIds());
    expect(produced.filter((id) => !stored.includes(id) && !dropped.has(id))).toEqual([]);
    expect(receiver().stats().duplicateEnvelopeIds).toBe(0);
    const deadLettered = drops.events.length;
    observe(JSON.stringify(exporter.stats()));
    recordFigures({
      suite: SUITE,
      case: 'breaker: open, failed probe, recovery',
      faults: '503 until cleared; threshold 3',
      events: exporter.stats().eventsSent + deadLettered,
      stored: receiver().events().length,
      duplicated: receiver().stats().duplicateEnvelopeIds,
      deadLettered,
      lost: 0,
      note: `requests while open: 1 probe per cool-down; circuit-open drops: ${exporter.stats().eventsDropped['circuit-open']} spans`,
    });
  });

  it('keeps a sync-mode app quiet while the server is down (no error per span)', async () => {
    receiver().reset();
    receiver().faults.push({ status: 500, times: 10_000 });
    const mark = guard.logs().lines.length;
    const handle = setupLangfuse({
      publicKey: PUBLIC_KEY,
      secretKey: SECRET_KEY,
      baseUrl: receiver().url,
      mode: 'sync',
      maxRetries: 0,
      circuitBreakerThreshold: 2,
      circuitBreakerCooldownMs: 60_000,
    });
    for (let i = 0; i < 2; i++) langfuse.span({ name: `before-open-${i}` }, () => i);
    await handle.forceFlush();
    expect(handle.stats().circuitState).toBe('open');
    const errorsWhenOpened = guard.since(mark).filter((l) => l.level === 'error').length;
    for (let i = 0; i < 300; i++) expect(langfuse.span({ name: `while-open-${i}` }, () => i)).toBe(i);
    await handle.forceFlush();
    expect(handle.stats().eventsDropped['circuit-open']).toBe(300);
    expect(guard.since(mark).filter((l) => l.level === 'error').length).toBe(errorsWhenOpened);
    expect(receiver().stats().requests).toBe(2);
    await handle.shutdown();
  });
});
