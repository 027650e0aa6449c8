import { describe, expect, it } from 'vitest';
import { exportOtlp } from './otlp-client.js';
import { simpleSpan, toOtlpProtobuf, TRACE_A } from './otlp-payloads.js';
import { useReceiver } from './use-receiver.js';

// Raw OTLP as a sender that keeps the AI SDK 7's agent totals as usage would send it (Langfuse's own span processor,
// an OTLP exporter): the receiver stores what Langfuse's OTLP mapping does, usage once per trace.
describe('OTLP invoke_agent / agent_step spans', () => {
  const receiver = useReceiver();

  it('get no model, usage or cost (explicit langfuse.* ones included); the model calls keep theirs', async () => {
    const agent = simpleSpan({
      name: 'invoke_agent mock-model',
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.request.model': 'mock-model',
        'gen_ai.usage.input_tokens': 30,
        'gen_ai.usage.output_tokens': 12,
        'gen_ai.usage.cost': 0.5,
      },
    });
    const step = simpleSpan({
      name: 'step 1',
      parentSpanId: agent.spanId,
      attributes: {
        'gen_ai.operation.name': 'agent_step',
        'langfuse.observation.type': 'generation',
        'langfuse.observation.model.name': 'mock-model',
        'langfuse.observation.usage_details': '{"input":30,"output":12}',
        'langfuse.observation.cost_details': '{"total":0.5}',
      },
    });
    const chat = (input: number, output: number) =>
      simpleSpan({
        name: 'chat mock-model',
        parentSpanId: step.spanId,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'mock-model',
          'gen_ai.usage.input_tokens': input,
          'gen_ai.usage.output_tokens': output,
        },
      });
    await exportOtlp(receiver(), toOtlpProtobuf({ scope: { name: 'gen_ai' }, spans: [chat(10, 5), chat(20, 7), step, agent] }));

    const trace = receiver().traces().find((t) => t.id === TRACE_A)!;
    const byName = (name: string) => trace.observations.filter((o) => o.name === name);
    for (const observation of [...byName('invoke_agent mock-model'), ...byName('step 1')]) {
      expect(observation.model, observation.name).toBeUndefined();
      expect(observation.usageDetails, observation.name).toEqual({});
      expect(observation.costDetails, observation.name).toEqual({});
    }
    expect(byName('invoke_agent mock-model')[0]!.type).toBe('agent');
    const chats = byName('chat mock-model');
    expect(chats.map((o) => [o.type, o.model])).toEqual([
      ['generation', 'mock-model'],
      ['generation', 'mock-model'],
    ]);
    let input = 0;
    let output = 0;
    for (const observation of trace.observations) {
      input += Number(observation.usageDetails['input'] ?? 0);
      output += Number(observation.usageDetails['output'] ?? 0);
    }
    expect({ input, output }).toEqual({ input: 30, output: 12 });
  });
});
