import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { bench, describe } from 'vitest';
import { createSpanMapper } from '../../src/mapping/index.js';
import { createRecorder, endSpan } from './span-fixtures.js';

/*
 * Mapping cost per span. Each iteration maps the same span BATCH times with one mapper (as the exporter does),
 * so per-span cost = reported mean / BATCH (tinybench's own per-iteration overhead is then negligible).
 * Run: pnpm exec vitest bench --config vitest.workspace.ts --project exporter --run
 */
const BATCH = 100;

const facade = createRecorder({ 'service.name': 'chat-api', 'service.version': '4.1.0' }, { name: 'langfuse-sdk', version: '1.0.0' });
const root = facade.start({ name: 'agent', attributes: { 'langfuse.trace.name': 'chat', 'langfuse.user.id': 'u-1' } });

/** Common case: a facade generation, only `langfuse.*` attributes. */
const facadeGeneration = facade.record({
  name: 'llm-call',
  parent: root,
  attributes: {
    'langfuse.observation.type': 'generation',
    'langfuse.observation.model.name': 'gpt-4o-mini',
    'langfuse.observation.model.parameters': '{"temperature":0,"max_tokens":256}',
    'langfuse.observation.input': '[{"role":"user","content":"2+2?"}]',
    'langfuse.observation.output': '"4"',
    'langfuse.observation.usage_details': '{"input":12,"output":1,"total":13}',
    'langfuse.observation.metadata.route': '/chat',
  },
  status: { code: SpanStatusCode.OK },
});
/** Common case: a facade span with a few non-LLM foreign attributes. */
const facadeSpanWithHttp = facade.record({
  name: 'fetch-docs',
  parent: root,
  attributes: {
    'langfuse.observation.input': '{"q":"pricing"}',
    'langfuse.observation.output': '{"hits":3}',
    'http.request.method': 'GET',
    'http.response.status_code': 200,
    'url.full': 'https://docs.example.com/search?q=pricing',
  },
});
const rootSpan = endSpan(facade, root);

const vercel = createRecorder({ 'service.name': 'chat-api' }, { name: 'ai', version: '6.0.0' });
const vercelGenerate = vercel.record({
  name: 'ai.generateText.doGenerate',
  attributes: {
    'operation.name': 'ai.generateText.doGenerate',
    'ai.operationId': 'ai.generateText.doGenerate',
    'ai.model.provider': 'openai.chat',
    'ai.model.id': 'gpt-4o-mini',
    'ai.settings.maxRetries': 2,
    'ai.prompt.messages': '[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"2+2?"}]}]',
    'ai.prompt.toolChoice': '{"type":"auto"}',
    'ai.telemetry.metadata.userId': 'u-1',
    'ai.telemetry.metadata.sessionId': 's-1',
    'ai.telemetry.metadata.plan': 'pro',
    'gen_ai.system': 'openai.chat',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.request.temperature': 0,
    'ai.response.text': '4',
    'ai.response.finishReason': 'stop',
    'ai.response.id': 'chatcmpl-1',
    'ai.response.model': 'gpt-4o-mini-2024-07-18',
    'ai.usage.promptTokens': 12,
    'ai.usage.completionTokens': 1,
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.response.id': 'chatcmpl-1',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.usage.input_tokens': 12,
    'gen_ai.usage.output_tokens': 1,
  },
});

const openllmetry = createRecorder({ 'service.name': 'chat-api' }, { name: '@traceloop/instrumentation-openai', version: '0.20.0' });
const openllmetryChat = openllmetry.record({
  name: 'openai.chat',
  attributes: {
    'llm.request.type': 'chat',
    'gen_ai.system': 'OpenAI',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.request.max_tokens': 256,
    'gen_ai.request.temperature': 0.2,
    'gen_ai.prompt.0.role': 'system',
    'gen_ai.prompt.0.content': 'Be brief.',
    'gen_ai.prompt.1.role': 'user',
    'gen_ai.prompt.1.content': '2+2?',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.completion.0.finish_reason': 'stop',
    'gen_ai.completion.0.role': 'assistant',
    'gen_ai.completion.0.content': '4',
    'gen_ai.usage.prompt_tokens': 12,
    'gen_ai.usage.completion_tokens': 1,
    'llm.usage.total_tokens': 13,
    'gen_ai.usage.cache_read_input_tokens': 4,
  },
});

const openinference = createRecorder({ 'service.name': 'chat-api' }, { name: '@arizeai/openinference-instrumentation-openai', version: '2.0.0' });
const openinferenceLlm = openinference.record({
  name: 'ChatCompletion',
  attributes: {
    'openinference.span.kind': 'LLM',
    'llm.model_name': 'gpt-4o-mini',
    'llm.provider': 'openai',
    'llm.invocation_parameters': '{"temperature":0,"max_tokens":256}',
    'input.value': '{"messages":[{"role":"user","content":"2+2?"}]}',
    'input.mime_type': 'application/json',
    'output.value': '{"choices":[{"message":{"role":"assistant","content":"4"}}]}',
    'output.mime_type': 'application/json',
    'llm.input_messages.0.message.role': 'user',
    'llm.input_messages.0.message.content': '2+2?',
    'llm.output_messages.0.message.role': 'assistant',
    'llm.output_messages.0.message.content': '4',
    'llm.token_count.prompt': 12,
    'llm.token_count.completion': 1,
    'llm.token_count.total': 13,
  },
});

function run(span: ReadableSpan): () => void {
  const mapper = createSpanMapper({ environment: 'production' });
  return () => {
    for (let i = 0; i < BATCH; i++) mapper.map(span);
  };
}

describe(`span mapping, ${BATCH} spans per iteration`, () => {
  bench('common: facade generation (langfuse.* only)', run(facadeGeneration));
  bench('common: facade span + http attributes', run(facadeSpanWithHttp));
  bench('common: facade trace root', run(rootSpan));
  bench('convention: Vercel AI SDK doGenerate', run(vercelGenerate));
  bench('convention: OpenLLMetry chat (flattened prompts)', run(openllmetryChat));
  bench('convention: OpenInference LLM', run(openinferenceLlm));
});
