import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestReceiver } from '@otel-langfuse/test-support';
import { killServices, startService } from './service-process.js';
import { ensureBuilt, guardSuite, PUBLIC_KEY, SECRET_KEY, startReceiver } from './harness.js';

// Two real processes on loopback, each with OpenTelemetry's NodeSDK and the HTTP, undici (fetch) and Express 5
// instrumentations, set up as docs/distributed-tracing.md says: the caller fetches the callee inside
// langfuse.trace(), with or without injectTraceContext() on the request. Both deliver to one receiver. What Langfuse
// gets must be one trace, and no observation may point at a parent that never arrives, under either export policy.

const SUITE = 'two-services';
guardSuite(SUITE);

const DIR = fileURLToPath(new URL('./two-services/', import.meta.url));
let receiver: TestReceiver | undefined;

afterEach(async () => {
  killServices();
  await receiver?.close();
  receiver = undefined;
});


interface Case {
  setup: 'processor' | 'setup';
  manual: boolean;
  policy: 'llm' | 'all';
}

const CASES: Case[] = [
  // With the NodeSDK, createLangfuseSpanProcessor() among its span processors: the auto-instrumented way (no manual
  // inject), and the manual inject on top of the fetch instrumentation (two traceparents before the fix).
  { setup: 'processor', manual: false, policy: 'llm' },
  { setup: 'processor', manual: false, policy: 'all' },
  { setup: 'processor', manual: true, policy: 'llm' },
  { setup: 'processor', manual: true, policy: 'all' },
  // setupLangfuse() next to a NodeSDK that holds the global slot: the facade traces with its own provider, so the
  // manual way carries the trace across.
  { setup: 'setup', manual: true, policy: 'llm' },
  { setup: 'setup', manual: true, policy: 'all' },
];

describe('two auto-instrumented services following docs/distributed-tracing.md', () => {
  it.each(CASES)('$setup, manual inject $manual, policy $policy: one trace, every parent delivered', async ({ setup, manual, policy }) => {
    ensureBuilt();
    receiver = await startReceiver();
    const env = {
      LANGFUSE_PUBLIC_KEY: PUBLIC_KEY,
      LANGFUSE_SECRET_KEY: SECRET_KEY,
      LANGFUSE_BASE_URL: receiver.url,
      LANGFUSE_EXPORT_POLICY: policy,
      TWO_SERVICES_SETUP: setup,
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    };
    const callee = startService(DIR, 'callee.mjs', env);
    const { ready } = JSON.parse(await callee.firstLine) as { ready: string };
    const caller = startService(DIR, 'caller.mjs', { ...env, CALLEE_URL: ready, MANUAL_INJECT: manual ? '1' : '0' });
    const callerDone = await caller.finished;
    expect(callerDone.code, callerDone.stderr).toBe(0);
    const { traceId } = JSON.parse(callerDone.stdout.trim().split('\n').pop()!) as { traceId: string };
    callee.child.kill('SIGTERM');
    const calleeDone = await callee.finished;
    expect(calleeDone.code, calleeDone.stderr).toBe(0);

    const events = receiver.events();
    const observations = events.filter((e) => e.type !== 'trace-create' && e.type !== 'score-create' && e.type !== 'sdk-log');
    const names = observations.map((e) => e.body['name']);
    expect(names).toEqual(expect.arrayContaining(['ask', 'worker', 'llm-call']));
    // One trace: every observation and trace-create of both services carries the caller's trace id.
    const traceIds = new Set([
      ...observations.map((e) => e.body['traceId']),
      ...events.filter((e) => e.type === 'trace-create').map((e) => e.body['id']),
    ]);
    expect([...traceIds]).toEqual([traceId]);
    // Every parent was delivered: no observation hangs under a span that never arrives.
    const ids = new Set(observations.map((e) => e.body['id']));
    const stranded = observations.filter((e) => e.body['parentObservationId'] !== undefined && !ids.has(e.body['parentObservationId'] as string));
    expect(stranded.map((e) => `${String(e.body['name'])} → ${String(e.body['parentObservationId'])}`)).toEqual([]);
    // The callee's subtree hangs in the caller's tree: the only root is the caller's 'ask'.
    const roots = observations.filter((e) => e.body['parentObservationId'] === undefined).map((e) => e.body['name']);
    expect(roots).toEqual(['ask']);
    if (policy === 'all' && setup === 'processor') {
      // The instrumentations' spans arrived too (HTTP client and server, Express), in the same trace.
      expect(observations.length).toBeGreaterThan(4);
    }
  });
});
