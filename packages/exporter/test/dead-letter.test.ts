import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureDiag, type CapturedDiag } from '@otel-langfuse/test-support';
import { ComponentLogger } from '../src/diagnostics/component-logger.js';
import { DeadLetter, type DroppedEvent } from '../src/losses/dead-letter.js';
import { DeadLetterFile } from '../src/losses/dead-letter-file.js';
import { createSpanMapper } from '../src/mapping/index.js';
import { mapForDeadLetter } from '../src/events/prepare-events.js';
import { serializeEvent, type SerializedEvent } from '../src/events/serialized-event.js';
import { makeSpans } from './helpers.js';

let logs: CapturedDiag;
beforeEach(() => {
  logs = captureDiag();
});
afterEach(() => logs.restore());

const SECRET = 'sk-lf-unit-secret-value';

function deadLetter(options: { onDrop?: (events: DroppedEvent[], reason: string) => unknown; withFile?: boolean } = {}) {
  const path = join(mkdtempSync(join(tmpdir(), 'dl-')), 'dead.jsonl');
  const log = new ComponentLogger('test');
  const mapper = createSpanMapper({});
  const file = options.withFile === false ? undefined : new DeadLetterFile(path, 1_000_000, log);
  const dl = new DeadLetter({
    onDrop: options.onDrop as never,
    file,
    log,
    secrets: [SECRET],
    eventsOf: (spans) => mapForDeadLetter(spans, mapper, 100_000),
    maskedForOtlp: (spans) => [...spans],
  });
  const read = () => readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { dl, read, file };
}

const event = (id: string, input: unknown): SerializedEvent => {
  const outcome = serializeEvent({ id: `${id}-span-create`, timestamp: '2025-01-01T00:00:00.000Z', type: 'span-create', body: { id, traceId: 't', input } }, 100_000, id);
  if (!outcome.ok) throw new Error('too large');
  return outcome.serialized;
};

describe('DeadLetter', () => {
  it('gives events to the hook and the file, one record per event, the reason and time on each', async () => {
    const calls: [number, string][] = [];
    const { dl, read } = deadLetter({ onDrop: (events, reason) => calls.push([events.length, reason]) });
    dl.events([event('a', 1), event('b', 2)], 'event-400');
    await dl.flush();
    expect(calls).toEqual([[2, 'event-400']]);
    const records = read();
    expect(records.map((r) => [r['reason'], (r['event'] as { id: string }).id])).toEqual([
      ['event-400', 'a-span-create'],
      ['event-400', 'b-span-create'],
    ]);
    expect(Number.isNaN(Date.parse(String(records[0]!['time'])))).toBe(false);
  });

  it('never writes the secret key, even inside user data', async () => {
    const { dl, read } = deadLetter();
    dl.events([event('a', `the key is ${SECRET}`)], 'http-401');
    await dl.flush();
    expect(JSON.stringify(read())).not.toContain(SECRET);
    expect(JSON.stringify(read())).toContain('[redacted]');
  });

  it('maps spans off the caller stack: the legacy path as events, the OTLP path as spans', async () => {
    const hooked: DroppedEvent[] = [];
    const { dl, read } = deadLetter({ onDrop: (events) => hooked.push(...events) });
    const spans = makeSpans(2);
    dl.spansLater(spans, 'circuit-open', 'ingestion');
    expect(hooked).toHaveLength(0); // not yet: deferred
    dl.spansLater(spans, 'memory-cap', 'otlp');
    await dl.flush();
    expect(hooked.map((e) => e.type).sort()).toEqual(['span-create', 'span-create', 'span-create', 'span-create', 'trace-create', 'trace-create', 'trace-create', 'trace-create']);
    const records = read();
    expect(records.filter((r) => r['path'] === 'ingestion')).toHaveLength(4);
    expect(records.filter((r) => r['path'] === 'otlp').map((r) => r['spanId'])).toEqual(spans.map((s) => s.spanContext().spanId));
  });

  it('contains a hook that throws or rejects, saying so once', async () => {
    let n = 0;
    const { dl } = deadLetter({
      withFile: false,
      onDrop: () => {
        n++;
        if (n === 1) throw new Error('sync');
        return Promise.reject(new Error('async'));
      },
    });
    dl.events([event('a', 1)], 'x');
    dl.events([event('b', 1)], 'x');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(n).toBe(2);
    expect(logs.lines.filter((l) => l.message.includes('onDrop hook threw'))).toHaveLength(1);
  });

  it('does nothing without a hook or a file', async () => {
    const { dl } = deadLetter({ withFile: false });
    expect(dl.active).toBe(false);
    dl.spansLater(makeSpans(1), 'circuit-open', 'ingestion');
    await dl.flush();
  });
});
