import { startReceiver, type Receiver, type ReceiverOptions } from '@otel-langfuse/receiver';
import { loadContract } from './contract.js';

export interface TestReceiver extends Receiver {
  /** Events the receiver got that Langfuse's OpenAPI spec would not accept, with the reasons. */
  contractViolations(): string[];
}

/**
 * A receiver for tests that also cross-checks every event it is sent against Langfuse's OpenAPI spec (when the spec
 * is beside the repo). `close()` rejects if any event broke the contract, so every test that uses one checks it.
 */
export async function startTestReceiver(options: ReceiverOptions = {}): Promise<TestReceiver> {
  const contract = loadContract();
  const violations: string[] = [];
  const receiver = await startReceiver({
    ...options,
    onEvent: (event, outcome) => {
      options.onEvent?.(event, outcome);
      const problems = contract?.check(event) ?? [];
      if (problems.length > 0) {
        const { id, type } = (event ?? {}) as { id?: unknown; type?: unknown };
        violations.push(`${String(type)} ${String(id)}: ${problems.join('; ')}`);
      }
    },
  });
  const close = receiver.close.bind(receiver);
  return Object.assign(receiver, {
    contractViolations: () => [...violations],
    close: async () => {
      await close();
      if (violations.length > 0) {
        throw new Error(`events broke Langfuse's OpenAPI contract:\n${violations.slice(0, 10).join('\n')}`);
      }
    },
  });
}
