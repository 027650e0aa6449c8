// The caller: one trace that fetches the callee (CALLEE_URL); with MANUAL_INJECT=1 the request also carries
// injectTraceContext() headers (the manual way, next to the undici instrumentation). Prints {"traceId": …}.
import { startOtel } from './otel.mjs';

const otel = startOtel('gateway');
const { injectTraceContext, langfuse } = await import('@otel-langfuse/tracing');

const traceId = await langfuse.trace({ name: 'ask' }, async (trace) => {
  const headers = { 'content-type': 'application/json' };
  const response = await fetch(`${process.env.CALLEE_URL}/work`, {
    method: 'POST',
    headers: process.env.MANUAL_INJECT === '1' ? injectTraceContext(headers) : headers,
    body: JSON.stringify({ question: 'why?' }),
  });
  trace.update({ output: await response.json() });
  return trace.id;
});
await otel.shutdown();
console.log(JSON.stringify({ traceId }));
