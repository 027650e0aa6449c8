import { afterEach, beforeEach } from 'vitest';
import { startReceiver, type Receiver, type ReceiverOptions } from '../src/index.js';

/**
 * A fresh receiver for each test of the file or describe block this is called in: started with `options` before the
 * test, closed after it. Returns the current test's receiver.
 */
export function useReceiver(options: ReceiverOptions = {}): () => Receiver {
  let receiver: Receiver | undefined;
  beforeEach(async () => {
    receiver = await startReceiver(options);
  });
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });
  return () => {
    if (receiver === undefined) throw new Error('the receiver starts before each test: use it inside tests');
    return receiver;
  };
}
