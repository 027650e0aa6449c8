// Fastify 5: one hook continues the caller's trace for every route (node examples/frameworks/fastify.mjs).
import Fastify from 'fastify';
import { continueTrace } from '@otel-langfuse/tracing';
import { answer, callAndShow } from './caller.mjs';

const app = Fastify();
// The recipe: every request (its body parsing and handler included) runs in the caller's trace.
app.addHook('onRequest', (request, reply, done) => continueTrace(request.raw, done));
app.post('/ask', async (request) => ({ answer: await answer(request.body) }));

const url = await app.listen({ port: 0, host: '127.0.0.1' });
await callAndShow('fastify', `${url}/ask`, () => app.close());
