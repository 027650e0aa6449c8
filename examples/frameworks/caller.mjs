// Shared by the framework recipes: Langfuse set up (a real one from LANGFUSE_* keys, else the local receiver on
// 127.0.0.1), then one traced call into the recipe's server, then the stored trace printed as a tree.
import { injectTraceContext, langfuse, setupLangfuse } from '@otel-langfuse/tracing';
import { startReceiver } from '@otel-langfuse/receiver';

const useRealLangfuse = Boolean(process.env.LANGFUSE_PUBLIC_KEY && process.env.LANGFUSE_SECRET_KEY);
const receiver = useRealLangfuse ? undefined : await startReceiver({ ui: false });
const tracing = setupLangfuse({
  serviceName: 'framework-recipe',
  ...(receiver ? { publicKey: receiver.publicKey, secretKey: receiver.secretKey, baseUrl: receiver.url } : {}),
});

/** The handler's work: a trace with one generation, which joins the caller's trace when the recipe continued it. */
export function answer(question) {
  return langfuse.trace({ name: 'handler' }, (trace) =>
    trace.generation({ name: 'llm-call', model: 'demo-model', input: question }, async (generation) => {
      generation.update({ output: 'an answer', usage: { input: 3, output: 2 } });
      return 'an answer';
    }),
  );
}

/** Calls `url` inside a 'caller' trace with the trace headers, prints the trace, and shuts everything down. */
export async function callAndShow(framework, url, close) {
  const traceId = await langfuse.trace({ name: 'caller' }, async (trace) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: injectTraceContext({ 'content-type': 'application/json' }),
      body: JSON.stringify({ question: 'why?' }),
    });
    trace.update({ output: await response.json() });
    return trace.id;
  });
  await tracing.forceFlush();
  await close();
  if (receiver) {
    const events = receiver.events();
    const observations = events.filter((e) => e.type.endsWith('-create') && e.type !== 'trace-create' && e.type !== 'score-create');
    const nameOf = new Map(observations.map((e) => [e.body.id, e.body.name]));
    const traceIds = new Set(observations.map((e) => e.body.traceId));
    console.log(`${framework}: ${traceIds.size === 1 && traceIds.has(traceId) ? 'one trace' : `${traceIds.size} traces`}, ${observations.length} observations`);
    for (const e of observations) console.log(`  ${e.body.name} <- ${nameOf.get(e.body.parentObservationId) ?? '(root)'}`);
    await receiver.close();
  } else {
    console.log(`${framework}: sent trace ${traceId} to ${process.env.LANGFUSE_BASE_URL ?? 'Langfuse'}`);
  }
  await tracing.shutdown();
}
