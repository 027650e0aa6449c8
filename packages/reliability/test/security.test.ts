import { afterEach, describe, expect, it } from 'vitest';
import { context, propagation } from '@opentelemetry/api';
import { extractTraceContext, injectTraceContext, langfuse, setupLangfuse, withTraceContext, type LangfuseHandle } from '@otel-langfuse/tracing';
import { LangfuseSpanExporter } from '@otel-langfuse/exporter';
import { exportSpans, makeSpans } from '@otel-langfuse/test-support';
import { guardSuite, observe, PUBLIC_KEY, SECRET_KEY, useSuiteReceiver } from './harness.js';

const guard = guardSuite('security');
const receiver = useSuiteReceiver();
let handle: LangfuseHandle | undefined;

afterEach(async () => {
  await handle?.shutdown();
  handle = undefined;
});

const keys = { publicKey: PUBLIC_KEY, secretKey: SECRET_KEY };

describe('secrets', () => {
  it('Basic auth over plain http to a non-loopback host warns once; https and loopback do not', () => {
    const mark = guard.logs().lines.length;
    const plain = new LangfuseSpanExporter({ ...keys, baseUrl: 'http://langfuse.invalid' });
    new LangfuseSpanExporter({ ...keys, baseUrl: 'https://langfuse.invalid' });
    new LangfuseSpanExporter({ ...keys, baseUrl: 'http://127.0.0.1:3000' });
    new LangfuseSpanExporter({ ...keys, baseUrl: 'http://localhost:3000' });
    const warnings = guard.since(mark).filter((l) => l.message.includes('plain http'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('http://langfuse.invalid');
    expect(plain.enabled).toBe(true);
  });

  it('the secret key never reaches a diagnostic, an export error or the stats, whatever goes wrong', async () => {
    const failures: string[] = [];
    const collect = async (exporter: LangfuseSpanExporter) => {
      const result = await exportSpans(exporter, makeSpans(2));
      if (result.error) failures.push(`${result.error.name}: ${result.error.message}\n${result.error.stack ?? ''}`);
      await exporter.shutdown();
      failures.push(JSON.stringify(exporter.stats()));
    };
    // A key where it does not belong: in the URL, a header, a refused config.
    await collect(new LangfuseSpanExporter({ ...keys, baseUrl: `not a url ${SECRET_KEY}` }));
    await collect(new LangfuseSpanExporter({ ...keys, baseUrl: `http://127.0.0.1:1/${SECRET_KEY}`, maxRetries: 0 }));
    await collect(new LangfuseSpanExporter({ ...keys, baseUrl: `http://user:${SECRET_KEY}@127.0.0.1:1` }));
    await collect(new LangfuseSpanExporter({ ...keys, baseUrl: receiver().url, additionalHeaders: { [`x-${SECRET_KEY}\n`]: SECRET_KEY } }));
    // Wrong keys (401), a server error echoing the request, a server that hangs up.
    receiver().faults.push({ status: 401, body: { message: `bad key ${SECRET_KEY}` } });
    await collect(new LangfuseSpanExporter({ ...keys, baseUrl: receiver().url }));
    receiver().faults.push({ status: 500, times: 10, body: `Internal error for key ${SECRET_KEY}` });
    await collect(new LangfuseSpanExporter({ ...keys, baseUrl: receiver().url, maxRetries: 1, initialRetryDelayMs: 1 }));
    receiver().faults.push({ destroy: true, times: 10 });
    await collect(new LangfuseSpanExporter({ ...keys, baseUrl: receiver().url, maxRetries: 1, initialRetryDelayMs: 1 }));
    receiver().faults.clear();
    for (const text of failures) observe(text);
    const diagText = guard.logs().text();
    expect(diagText).toContain('[redacted]'); // the key was there to leak, and was scrubbed
    // (the suite's afterAll checks every diagnostic and everything observed for the key and the Basic credentials)
  });
});

describe('propagation', () => {
  it('baggage never carries keys outside the allow-list, inbound or outbound', () => {
    handle = setupLangfuse({ ...keys, baseUrl: receiver().url, baggageKeys: ['tenant'] });
    const local = propagation.setBaggage(
      context.active(),
      propagation.createBaggage({ tenant: { value: 'acme' }, 'user.email': { value: 'a@b.c' }, session_token: { value: 'tok' } }),
    );
    const outbound = injectTraceContext<Record<string, string>>({}, { context: local });
    expect(outbound['baggage']).toBe('tenant=acme');

    const inbound = extractTraceContext({ baggage: 'tenant=globex,api_key=stolen,langfuse.user.id=attacker' });
    const entries = propagation.getBaggage(inbound)?.getAllEntries().map(([key]) => key);
    expect(entries).toEqual(['tenant']);
    // What arrived is not passed on either.
    const forwarded = context.with(inbound, () => injectTraceContext<Record<string, string>>({}));
    expect(forwarded['baggage']).toBe('tenant=globex');
  });

  it('inbound headers cannot set trace or observation attributes', async () => {
    receiver().reset();
    handle = setupLangfuse({ ...keys, baseUrl: receiver().url, mode: 'sync', baggageKeys: ['tenant'] });
    const carrier = {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'langfuse=pwned-state,vendor=x',
      baggage: 'tenant=acme,langfuse.trace.name=pwned-name,langfuse.user.id=attacker,langfuse.session.id=pwned-session,langfuse.observation.metadata.x=pwned-meta,langfuse.trace.tags=pwned-tag',
      'x-langfuse-user-id': 'attacker-header',
      'langfuse.trace.name': 'pwned-header',
    };
    const traceId = withTraceContext(carrier, () => langfuse.trace({ name: 'legit' }, (t) => t.id));
    expect(traceId).toBe('0af7651916cd43dd8448eb211c80319c'); // propagation itself works
    await handle.forceFlush();
    const stored = JSON.stringify(receiver().events());
    expect(receiver().events().length).toBeGreaterThan(0);
    for (const injected of ['pwned', 'attacker', 'acme']) expect(stored).not.toContain(injected);
    const trace = receiver().trace(traceId);
    expect(trace?.observations.map((o) => o.name)).toEqual(['legit']);
    expect(trace?.trace.userId).toBeUndefined();
    expect(trace?.trace.sessionId).toBeUndefined();
    expect(trace?.trace.tags).toEqual([]);
  });
});
