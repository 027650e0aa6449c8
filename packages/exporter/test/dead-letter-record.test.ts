import { describe, expect, it } from 'vitest';
import { ingestionLine, otlpLine, parseDeadLetterLine } from '../src/losses/dead-letter-record.js';
import { makeSpans } from './helpers.js';

describe('dead-letter records', () => {
  it('a legacy event line carries the exact JSON that would have been sent, and reads back', () => {
    const event = { id: 'e1-span-create', timestamp: '2025-01-01T00:00:00.000Z', type: 'span-create', body: { id: 'e1', traceId: 't1', input: { q: 'é\u2028' } } };
    const line = ingestionLine(JSON.stringify(event), 'retries-exhausted', '2025-01-02T00:00:00.000Z');
    expect(line.endsWith('\n')).toBe(true);
    expect(line.split('\n')).toHaveLength(2);
    expect(parseDeadLetterLine(line.trim())).toEqual({ v: 1, time: '2025-01-02T00:00:00.000Z', reason: 'retries-exhausted', path: 'ingestion', event });
  });

  it('an OTLP line holds the one span as an OTLP/JSON request', () => {
    const [span] = makeSpans(1, { 'langfuse.observation.input': 'hello' });
    const record = parseDeadLetterLine(otlpLine(span!, 'circuit-open', '2025-01-02T00:00:00.000Z').trim());
    if ('invalid' in record || record.path !== 'otlp') throw new Error('not an OTLP record');
    expect(record.spanId).toBe(span!.spanContext().spanId);
    const spans = (record.otlp.resourceSpans[0] as { scopeSpans: { spans: { spanId: string; name: string }[] }[] }).scopeSpans[0]!.spans;
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ spanId: span!.spanContext().spanId, name: 'span-0' });
  });

  it.each([
    ['not json', 'not JSON'],
    ['[1]', 'unknown format version'],
    ['{"v":2,"reason":"x","time":"t","path":"ingestion"}', 'unknown format version 2'],
    ['{"v":1,"time":"t","path":"ingestion","event":{"id":"a","type":"span-create"}}', 'no reason or time'],
    ['{"v":1,"reason":"x","time":"t","path":"ingestion","event":{"type":"span-create"}}', 'no event envelope'],
    ['{"v":1,"reason":"x","time":"t","path":"otlp","otlp":{}}', 'no OTLP resourceSpans'],
    ['{"v":1,"reason":"x","time":"t","path":"smtp"}', 'unknown path'],
  ])('says what is wrong with %s', (line, problem) => {
    const result = parseDeadLetterLine(line);
    expect('invalid' in result && result.invalid).toContain(problem);
  });
});
