import { beforeEach, describe, expect, it } from 'vitest';
import { propagation, ROOT_CONTEXT, SpanKind, trace, type Span } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { continueTrace, langfuse, langfuseMiddleware, withTraceContext } from '../src/index.js';
import { observationNamed, useTracingTestBed } from './helpers.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const headers = { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` };

const { receiver, setup, handle } = useTracingTestBed();
let theirs: InMemorySpanExporter;

beforeEach(() => {
  theirs = new InMemorySpanExporter();
  new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(theirs)] }).register();
  setup({ mode: 'sync' });
});

/** What an auto-instrumented HTTP server does: a server span continuing the caller, active for the handler. */
function foreignServerSpan(handler: (server: Span) => void): Span {
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  return trace.getTracer('foreign-http').startActiveSpan('GET /work', { kind: SpanKind.SERVER }, parent, (server) => {
    handler(server);
    server.end();
    return server;
  });
}

/** The handler: a foreign DB span, then our trace. */
function handleRequest(): void {
  trace.getTracer('foreign-db').startActiveSpan('SELECT jobs', (query) => query.end());
  langfuse.trace({ name: 'handler' }, () => undefined);
}

const continuations: [string, (run: () => void) => void][] = [
  ['continueTrace', (run) => continueTrace({ headers }, run)],
  ['langfuseMiddleware', (run) => langfuseMiddleware()({ headers }, {}, () => run())],
  ['withTraceContext', (run) => withTraceContext(headers, run)],
];

describe('continuing a caller while another provider’s server span is active', () => {
  it.each(continuations)('%s keeps their server span active and parents our root to the caller', async (_, continueWith) => {
    let activeInHandler: Span | undefined;
    const server = foreignServerSpan(() =>
      continueWith(() => {
        activeInHandler = trace.getActiveSpan();
        handleRequest();
      }),
    );
    await handle().forceFlush();

    expect(activeInHandler).toBe(server);
    const query = theirs.getFinishedSpans().find((span) => span.name === 'SELECT jobs');
    expect(query?.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(observationNamed(receiver().events(), 'handler').body).toMatchObject({ traceId: TRACE_ID, parentObservationId: CALLER_SPAN_ID });
  });
});
