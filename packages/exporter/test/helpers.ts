import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { ReceiverOptions } from '@otel-langfuse/receiver';
import { captureDiag, startTestReceiver, type CapturedDiag, type TestReceiver } from '@otel-langfuse/test-support';

export { exporterFor, exportSpans, makeSpans, remoteParent, succeeded } from '@otel-langfuse/test-support';

export interface ExporterTestBedOptions {
  /** Options of the test receiver. */
  receiver?: ReceiverOptions;
  /** Capture OTel diag output for each test (`logs()`), and check after each one that the secret key never reached it. */
  captureDiag?: boolean;
}

export interface ExporterTestBed {
  /** The receiver of the file (or describe block): started once, emptied before each test. */
  receiver(): TestReceiver;
  /** The OTel diag lines of the current test (needs `captureDiag: true`). */
  logs(): CapturedDiag;
  /** Closes the receiver, ignoring what its close reports, and starts a new one with the same options. */
  restartReceiver(): Promise<TestReceiver>;
}

/**
 * Registers the hooks the exporter's tests against a receiver share, where it is called (a file or a describe
 * block): one test receiver, emptied before each test. With `captureDiag`, the diag output of each test is captured
 * and, after it, checked for the receiver's secret key and released.
 */
export function useExporterTestBed(options: ExporterTestBedOptions = {}): ExporterTestBed {
  let receiver: TestReceiver | undefined;
  let logs: CapturedDiag | undefined;

  beforeAll(async () => {
    receiver = await startTestReceiver(options.receiver);
  });
  afterAll(async () => {
    await receiver?.close();
  });
  beforeEach(() => {
    receiver?.reset();
    if (options.captureDiag) logs = captureDiag();
  });
  afterEach(() => {
    if (logs === undefined) return;
    // Whatever happened in the test, the secret key must not have reached a log line.
    expect(logs.text()).not.toContain(bed.receiver().secretKey);
    logs.restore();
    logs = undefined;
  });

  const bed: ExporterTestBed = {
    receiver: () => receiver ?? fail('the receiver starts in beforeAll: use it inside hooks and tests'),
    logs: () => logs ?? fail('no diag captured: call useExporterTestBed({ captureDiag: true })'),
    restartReceiver: async () => {
      await bed.receiver().close().catch(() => {});
      return (receiver = await startTestReceiver(options.receiver));
    },
  };
  return bed;
}

function fail(message: string): never {
  throw new Error(message);
}

/** Registers an AsyncLocalStorage context manager for the file's tests (active spans nest), removed after. */
export function useContextManager(): void {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
  });
  afterAll(() => {
    contextManager.disable();
    context.disable();
  });
}

