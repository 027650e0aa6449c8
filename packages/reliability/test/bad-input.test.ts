import { afterEach, describe, expect, it } from 'vitest';
import { extractTraceContext, langfuse, setupLangfuse, withTraceContext, type LangfuseHandle, type LangfuseSetupOptions } from '@otel-langfuse/tracing';
import { trace } from '@opentelemetry/api';
import { guardSuite, observe, PUBLIC_KEY, recordFigures, SECRET_KEY, useSuiteReceiver } from './harness.js';

const SUITE = 'bad-input';
const guard = guardSuite(SUITE);
const receiver = useSuiteReceiver();
let handle: LangfuseHandle | undefined;

afterEach(async () => {
  await handle?.shutdown();
  handle = undefined;
});

function setup(options: LangfuseSetupOptions = {}): LangfuseHandle {
  handle = setupLangfuse({ publicKey: PUBLIC_KEY, secretKey: SECRET_KEY, baseUrl: receiver().url, mode: 'batch', flushInterval: 600, flushOnExit: false, ...options });
  return handle;
}

const MB = 1024 * 1024;

function hostileValues(): Record<string, () => unknown> {
  return {
    circular: () => {
      const value: Record<string, unknown> = { name: 'loop' };
      value['self'] = value;
      return value;
    },
    bigint: () => ({ big: 2n ** 70n }),
    symbol: () => ({ s: Symbol('secret-symbol'), [Symbol('key')]: 1 }),
    function: () => ({ fn: () => 'code', klass: class Foo {} }),
    'throwing getter': () => ({
      ok: 1,
      get boom(): never {
        throw new Error('getter exploded');
      },
    }),
    'hostile Proxy': () =>
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('proxy get');
          },
          ownKeys: () => {
            throw new Error('proxy ownKeys');
          },
          getPrototypeOf: () => {
            throw new Error('proxy proto');
          },
        },
      ),
    '10 MB string': () => 'z'.repeat(10 * MB),
    'deep nesting': () => {
      let value: Record<string, unknown> = { leaf: true };
      for (let i = 0; i < 100_000; i++) value = { next: value };
      return value;
    },
    'lone surrogates': () => ({ text: 'a\uD800b\uDC00c\uDFFF', [`k\uD800`]: 'v' }),
    'Date/Map/Set/Error/Buffer': () => ({
      date: new Date(0),
      invalid: new Date(NaN),
      map: new Map<unknown, unknown>([['a', 1], [{}, 2]]),
      set: new Set([1, 'two']),
      error: new TypeError('inner failure'),
      buffer: Buffer.from('binary'),
    }),
  };
}

/** What stands in for the part that cannot be sent as it is. */
const MARKERS: Record<string, string> = {
  circular: '[Circular]',
  bigint: '1180591620717411303424',
  'throwing getter': '[Unserializable]',
  'hostile Proxy': '[Unserializable]',
  '10 MB string': 'truncated',
  'deep nesting': '[Max depth]',
  'Date/Map/Set/Error/Buffer': '1970-01-01T00:00:00.000Z',
};

describe('bad input through the facade: the app is unaffected, the trace still arrives, bounded', () => {
  it.each(Object.keys(hostileValues()))('%s as input, output and metadata', async (kind) => {
    receiver().reset();
    const current = setup();
    const make = hostileValues()[kind]!;
    const mark = guard.logs().lines.length;
    let traceId = '';
    const result = langfuse.trace({ name: `bad-${kind}`, input: make(), output: make(), metadata: { value: make() } }, (t) => {
      traceId = t.id;
      langfuse.updateTrace({ metadata: { again: make() } });
      return langfuse.span({ name: 'inner', input: make(), metadata: { value: make() } }, (span) => {
        span.update({ output: make() });
        return 'app result';
      });
    });
    expect(result).toBe('app result');
    await current.forceFlush();
    const events = receiver().eventsForTrace(traceId);
    expect(events.filter((e) => e.type !== 'trace-create').map((e) => e.body['name']).sort()).toEqual([`bad-${kind}`, 'inner']);
    const stats = current.stats();
    expect(stats.eventsSent).toBe(receiver().events().length);
    for (const event of events) expect(JSON.stringify(event).length).toBeLessThan(1_100_000);
    const inner = JSON.stringify(events.find((e) => e.type === 'span-create' && e.body['name'] === 'inner')?.body['input']);
    if (MARKERS[kind]) expect(inner).toContain(MARKERS[kind]);
    const lines = guard.since(mark);
    expect(lines.filter((l) => l.level === 'error' || l.level === 'warn').length).toBeLessThanOrEqual(1);
    observe(JSON.stringify(events).slice(0, 100_000));
    recordFigures({ suite: SUITE, case: kind, faults: 'hostile value ×6 places', events: stats.eventsSent, stored: events.length, duplicated: receiver().stats().duplicateEnvelopeIds, deadLettered: 0, lost: 0, note: `${lines.length} diagnostics` });
  });

  it('a mask that throws: the value becomes the marker, never the raw value; one diagnostic', async () => {
    receiver().reset();
    const current = setup({
      mask: () => {
        throw new Error('mask bug');
      },
    });
    const mark = guard.logs().lines.length;
    for (let i = 0; i < 5; i++) {
      expect(langfuse.trace({ name: `masked-${i}`, input: { card: '4111-1111-1111-1111' }, metadata: { ssn: '123-45-6789' } }, () => i)).toBe(i);
    }
    await current.forceFlush();
    const text = JSON.stringify(receiver().events());
    expect(receiver().events().filter((e) => e.type !== 'trace-create')).toHaveLength(5);
    expect(text).not.toContain('4111-1111');
    expect(text).not.toContain('123-45-6789');
    expect(text).toContain('<masking failed>');
    const lines = guard.since(mark).filter((l) => l.level === 'warn' || l.level === 'error');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.message).toMatch(/mask threw/);
  });
});

describe('invalid config: one clear diagnostic, the app unaffected', () => {
  it('a bad base URL disables exporting, said once', async () => {
    receiver().reset();
    const mark = guard.logs().lines.length;
    const current = setup({ baseUrl: 'not a url' });
    for (let i = 0; i < 3; i++) expect(langfuse.trace({ name: 'x' }, () => i)).toBe(i);
    await current.forceFlush();
    const lines = guard.since(mark).filter((l) => l.level === 'warn' || l.level === 'error');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.message).toMatch(/baseUrl is not a valid URL/);
    expect(receiver().stats().requests).toBe(0);
  });

  it('negative sizes fall back to the defaults, one warning each, and delivery works', async () => {
    receiver().reset();
    const mark = guard.logs().lines.length;
    const current = setup({ maxBatchBytes: -1, maxBufferedBytes: -5, deadLetterMaxBytes: -1, maxRetries: -3, circuitBreakerCooldownMs: -1 });
    expect(langfuse.trace({ name: 'sized' }, () => 'ok')).toBe('ok');
    await current.forceFlush();
    const warnings = guard.since(mark).filter((l) => l.level === 'warn');
    for (const option of ['maxBatchBytes', 'maxBufferedBytes', 'deadLetterMaxBytes', 'maxRetries', 'circuitBreakerCooldownMs']) {
      expect(warnings.filter((l) => new RegExp(`${option} -\\d+ is invalid \\(must be a number >= \\d+\\); using \\d+`).test(l.message))).toHaveLength(1);
    }
    expect(warnings).toHaveLength(5);
    expect(receiver().events().filter((e) => e.type !== 'trace-create')).toHaveLength(1);
  });

  it('an unknown transport warns once and uses auto', async () => {
    receiver().reset();
    const mark = guard.logs().lines.length;
    const current = setup({ transport: 'carrier-pigeon' as never });
    langfuse.trace({ name: 'routed' }, () => undefined);
    await current.forceFlush();
    const warnings = guard.since(mark).filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/transport "carrier-pigeon" is invalid \(must be one of ingestion, otlp, auto\); using auto/);
    expect(current.stats().transport).toBe('ingestion');
    expect(receiver().events().filter((e) => e.type !== 'trace-create')).toHaveLength(1);
  });
});

describe('malformed and hostile traceparent / baggage', () => {
  const VALID = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const hostileCarriers: Record<string, () => unknown> = {
    garbage: () => ({ traceparent: 'garbage' }),
    'all-zero ids': () => ({ traceparent: `00-${'0'.repeat(32)}-${'0'.repeat(16)}-01` }),
    'version ff': () => ({ traceparent: `ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01` }),
    'CRLF injection': () => ({ traceparent: `${VALID}\r\nx-evil: 1` }),
    '100 kB header': () => ({ traceparent: `00-${'a'.repeat(100_000)}` }),
    'array of values': () => ({ traceparent: ['nope', VALID] }),
    'number value': () => ({ traceparent: 42 }),
    'throwing getter': () => ({
      get traceparent(): never {
        throw new Error('getter');
      },
    }),
    'hostile Proxy': () =>
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('proxy');
          },
          ownKeys: () => {
            throw new Error('proxy');
          },
          has: () => {
            throw new Error('proxy');
          },
        },
      ),
    null: () => null,
    '100 kB baggage': () => ({ baggage: `k=${'v'.repeat(100_000)}` }),
    'malformed baggage': () => ({ baggage: '%%%,,,===;;;,=,a=%ZZ' }),
    '10 000 baggage entries': () => ({ baggage: Array.from({ length: 10_000 }, (_, i) => `k${i}=v`).join(',') }),
  };

  it.each(Object.keys(hostileCarriers))('%s: ignored, a new trace, nothing thrown', async (kind) => {
    receiver().reset();
    const current = setup({ baggageKeys: ['tenant'] });
    const mark = guard.logs().lines.length;
    const carrier = hostileCarriers[kind]!();
    const traceId = withTraceContext(carrier as never, () => langfuse.trace({ name: `carrier-${kind}` }, (t) => t.id));
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe('0af7651916cd43dd8448eb211c80319c');
    expect(() => extractTraceContext(carrier as never)).not.toThrow();
    await current.forceFlush();
    const root = receiver().eventsForTrace(traceId).find((e) => e.type === 'span-create');
    expect(root?.body['parentObservationId']).toBeUndefined();
    expect(guard.since(mark).filter((l) => l.level === 'error' || l.level === 'warn').length).toBeLessThanOrEqual(1);
  });

  it('a valid traceparent is continued (the check above can fail)', () => {
    setup();
    const context = extractTraceContext({ traceparent: VALID });
    expect(trace.getSpanContext(context)?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });
});
