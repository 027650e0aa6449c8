import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { StoredEvent } from '@otel-langfuse/receiver';
import { captureDiag, resetOtelGlobals, startTestReceiver, type CapturedDiag, type TestReceiver } from '@otel-langfuse/test-support';
import { setupLangfuse, type LangfuseHandle, type LangfuseSetupOptions } from '../src/index.js';

/** A setup pointed at a test receiver, with retry delays short enough for tests. */
export function setupFor(receiver: TestReceiver, options: LangfuseSetupOptions = {}): LangfuseHandle {
  return setupLangfuse({
    publicKey: receiver.publicKey,
    secretKey: receiver.secretKey,
    baseUrl: receiver.url,
    initialRetryDelayMs: 5,
    maxRetryDelayMs: 20,
    // A loaded test machine must not turn a slow flush into lost spans; deadline tests pass their own.
    flushTimeoutMs: 30_000,
    ...options,
  });
}

export interface TracingTestBedOptions {
  /** Capture OTel diag output for each test, readable through `logs()`. */
  captureDiag?: boolean;
}

export interface TracingTestBed {
  /** The receiver of the file (or describe block): started once, emptied before each test. */
  receiver(): TestReceiver;
  /** The OTel diag lines of the current test (needs `captureDiag: true`). */
  logs(): CapturedDiag;
  /** `setupFor(receiver(), options)`, shut down after the test. */
  setup(options?: LangfuseSetupOptions): LangfuseHandle;
  /** Shuts `handle` down after the test, for a handle made without `setup`. */
  track(handle: LangfuseHandle): LangfuseHandle;
  /** The handle of the last `setup` or `track` in the current test. */
  handle(): LangfuseHandle;
}

/**
 * Registers the hooks the tests of this package share, where it is called (a file or a describe block): one test
 * receiver, emptied before each test; after each test, the test's handle shut down, env stubs undone and the OTel
 * globals forgotten. With `captureDiag`, the diag output of each test is captured and released after it.
 */
export function useTracingTestBed(options: TracingTestBedOptions = {}): TracingTestBed {
  let receiver: TestReceiver | undefined;
  let logs: CapturedDiag | undefined;
  let handle: LangfuseHandle | undefined;

  beforeAll(async () => {
    receiver = await startTestReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });
  beforeEach(() => {
    receiver?.reset();
    if (options.captureDiag) logs = captureDiag();
  });
  afterEach(async () => {
    await handle?.shutdown();
    handle = undefined;
    vi.unstubAllEnvs();
    resetOtelGlobals();
    logs?.restore();
    logs = undefined;
  });

  const bed: TracingTestBed = {
    receiver: () => receiver ?? fail('the receiver starts in beforeAll: use it inside hooks and tests'),
    logs: () => logs ?? fail('no diag captured: call useTracingTestBed({ captureDiag: true })'),
    setup: (setupOptions) => bed.track(setupFor(bed.receiver(), setupOptions)),
    track: (next) => (handle = next),
    handle: () => handle ?? fail('no handle set up in this test'),
  };
  return bed;
}

function fail(message: string): never {
  throw new Error(message);
}

/** A processor keeping every ended span in memory, to look at the attributes the facade wrote. */
export function spanRecorder(): { processor: SimpleSpanProcessor; spans(): ReadableSpan[]; byName(name: string): ReadableSpan } {
  const exporter = new InMemorySpanExporter();
  return {
    processor: new SimpleSpanProcessor(exporter),
    spans: () => exporter.getFinishedSpans(),
    byName(name) {
      const found = exporter.getFinishedSpans().filter((span) => span.name === name);
      if (found.length !== 1) throw new Error(`expected one span named ${name}, found ${found.length}`);
      return found[0]!;
    },
  };
}

export { resetOtelGlobals };

export const isObservation = (event: StoredEvent): boolean => event.type !== 'trace-create';

export function observations(events: StoredEvent[], traceId?: string): StoredEvent[] {
  return events.filter((e) => isObservation(e) && (traceId === undefined || e.body.traceId === traceId));
}

export function observationNamed(events: StoredEvent[], name: string): StoredEvent {
  const found = observations(events).filter((e) => e.body['name'] === name);
  if (found.length !== 1) throw new Error(`expected one observation named ${name}, found ${found.length}`);
  return found[0]!;
}

/** The trace as the server would hold it after merging its trace-create events in arrival order. */
export function mergedTrace(events: StoredEvent[], traceId: string): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const event of events) {
    if (event.type !== 'trace-create' || event.body.id !== traceId) continue;
    for (const [key, value] of Object.entries(event.body)) {
      if (value === undefined) continue;
      const current = merged[key];
      if (key === 'metadata' && typeof current === 'object' && current !== null) merged[key] = { ...current, ...(value as object) };
      else if (key === 'tags' && Array.isArray(current)) merged[key] = [...new Set([...current, ...(value as string[])])];
      else merged[key] = value;
    }
  }
  return merged;
}

/**
 * The observation tree of a trace as `type name <- parent name` lines, sorted: parents by name, so a wrong
 * parent, type or a missing/extra observation shows up in one diff.
 */
export function treeOf(events: StoredEvent[], traceId: string): string[] {
  const own = observations(events, traceId);
  const nameOf = new Map(own.map((e) => [e.body.id, String(e.body['name'])]));
  return own
    .map((e) => {
      const parent = e.body['parentObservationId'] as string | undefined;
      const parentName = parent === undefined ? '(root)' : (nameOf.get(parent) ?? `(unknown ${parent})`);
      return `${e.type.replace(/-create$/, '')} ${String(e.body['name'])} <- ${parentName}`;
    })
    .sort();
}

export const tick = (ms = 1): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
