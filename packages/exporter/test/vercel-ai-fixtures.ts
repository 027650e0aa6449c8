import { MockLanguageModelV3 } from 'ai/test';

/** The token usage a mock model reports for each call. */
export type MockUsage = Awaited<ReturnType<MockLanguageModelV3['doGenerate']>>['usage'];

/** A mock model (`mock-model-id`) whose first call asks for the weather tool (Paris), and whose second answers `answer`. */
export function toolCallingModel(usage: MockUsage, answer: string): MockLanguageModelV3 {
  let calls = 0;
  return new MockLanguageModelV3({
    modelId: 'mock-model-id',
    doGenerate: async () =>
      calls++ === 0
        ? {
            content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Paris"}' }],
            finishReason: { unified: 'tool-calls', raw: undefined },
            usage,
            warnings: [],
          }
        : {
            content: [{ type: 'text', text: answer }],
            finishReason: { unified: 'stop', raw: undefined },
            usage,
            warnings: [],
          },
  });
}
