// The producer: one request trace per case, each adding a job inside an 'enqueue' span with withJobTrace().
// A flow (a parent job with two children) is added the same way; two job schedulers (two runs each) too. REDIS_PORT, QUEUE_NAME; Langfuse from LANGFUSE_*. Prints {"cases": {case: {traceId, enqueueId}}}.
import { FlowProducer, Queue } from 'bullmq';
import { langfuse, propagateAttributes, setupLangfuse, withJobTrace } from '@otel-langfuse/tracing';

const tracing = setupLangfuse({ serviceName: 'api' });
const queue = new Queue(process.env.QUEUE_NAME, { connection: { host: '127.0.0.1', port: Number(process.env.REDIS_PORT) } });

const CASES = {
  plain: {},
  retried: { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
  delayed: { delay: 500 },
  linked: {},
};

const cases = {};
for (const [name, options] of Object.entries(CASES)) {
  cases[name] = await propagateAttributes({ userId: `user-${name}`, metadata: { plan: 'pro' } }, () =>
    langfuse.trace({ name: `request-${name}` }, (trace) =>
      trace.span({ name: 'enqueue' }, async (span) => {
        await queue.add(name, withJobTrace({ case: name }), options);
        return { traceId: trace.id, enqueueId: span.id };
      }),
    ),
  );
}
const connection = { host: '127.0.0.1', port: Number(process.env.REDIS_PORT) };
const flows = new FlowProducer({ connection });
cases.flow = await propagateAttributes({ userId: 'user-flow', metadata: { plan: 'pro' } }, () =>
  langfuse.trace({ name: 'request-flow' }, (trace) =>
    trace.span({ name: 'enqueue' }, async (span) => {
      const queueName = process.env.QUEUE_NAME;
      await flows.add({
        name: 'flow-parent',
        queueName,
        data: withJobTrace({ case: 'flow-parent' }),
        children: [1, 2].map((n) => ({ name: `flow-child-${n}`, queueName, data: withJobTrace({ case: `flow-child-${n}` }) })),
      });
      return { traceId: trace.id, enqueueId: span.id };
    }),
  ),
);
// A job scheduler created inside a request (two runs, 300 ms apart): every run reuses the data given here.
cases.repeated = await propagateAttributes({ userId: 'user-repeated', metadata: { plan: 'pro' } }, () =>
  langfuse.trace({ name: 'request-repeated' }, (trace) =>
    trace.span({ name: 'enqueue' }, async (span) => {
      await queue.upsertJobScheduler('every-300ms', { every: 300, limit: 2 }, { name: 'repeated', data: withJobTrace({ case: 'repeated' }) });
      return { traceId: trace.id, enqueueId: span.id };
    }),
  ),
);
// The same in continue mode (the worker's default): every run joins the trace of the request that created the schedule.
cases.scheduled = await propagateAttributes({ userId: 'user-scheduled', metadata: { plan: 'pro' } }, () =>
  langfuse.trace({ name: 'request-scheduled' }, (trace) =>
    trace.span({ name: 'enqueue' }, async (span) => {
      await queue.upsertJobScheduler('every-300ms-continued', { every: 300, limit: 2 }, { name: 'scheduled', data: withJobTrace({ case: 'scheduled' }) });
      return { traceId: trace.id, enqueueId: span.id };
    }),
  ),
);
await flows.close();
await queue.close();
await tracing.shutdown();
console.log(JSON.stringify({ cases }));
