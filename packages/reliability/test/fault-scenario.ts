import { expect } from 'vitest';
import type { FaultStep, StoredEvent } from '@otel-langfuse/receiver';
import type { TestReceiver } from '@otel-langfuse/test-support';
import { langfuse, setupLangfuse, type LangfuseSetupOptions } from '@otel-langfuse/tracing';
import type { ExporterStats } from '@otel-langfuse/exporter';
import { DropLog, PUBLIC_KEY, readJsonl, SECRET_KEY, tmpFile, undeliveredOf, observe } from './harness.js';

export interface ScenarioOptions {
  /** Where the faults are scripted and events are counted. */
  receiver: TestReceiver;
  /** Default: the receiver's URL. */
  baseUrl?: string;
  faults?: FaultStep[];
  setup?: LangfuseSetupOptions;
  /** Traces made through the facade, each a root and a child span. Default 4. */
  traces?: number;
}

export interface ScenarioResult {
  stats: ExporterStats;
  drops: DropLog;
  deadLetterPath: string;
  fileRecords: Record<string, unknown>[];
  /** Observation (span) ids the app produced. */
  produced: string[];
  stored: StoredEvent[];
  /** Produced observations neither stored nor dead-lettered. */
  lost: string[];
}

/**
 * The app's view of a fault: traces through the facade with `setupLangfuse` (batch mode), flushed and shut down
 * while the receiver plays the fault script. Checks what every fault case must hold: user code unaffected, nothing
 * stored twice, every event the exporter gave up on counted and handed to `onDrop` and to the dead-letter file,
 * the exporter's counts equal to the receiver's.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const { receiver } = options;
  receiver.reset();
  if (options.faults) receiver.faults.push(...options.faults);
  const drops = new DropLog();
  const deadLetterPath = tmpFile('dead-letter.jsonl');
  const handle = setupLangfuse({
    publicKey: PUBLIC_KEY,
    secretKey: SECRET_KEY,
    baseUrl: options.baseUrl ?? receiver.url,
    mode: 'batch',
    flushInterval: 600,
    flushOnExit: false,
    initialRetryDelayMs: 5,
    maxRetryDelayMs: 50,
    onDrop: drops.hook,
    deadLetterPath,
    ...options.setup,
  });

  const produced: string[] = [];
  const traces = options.traces ?? 4;
  for (let i = 0; i < traces; i++) {
    // The app's code: its results come back unchanged, nothing is thrown into it.
    const result = langfuse.trace({ name: `case-${i}`, input: { question: i }, metadata: { attempt: i } }, (root) => {
      produced.push(root.rootObservation.id);
      return langfuse.span({ name: `child-${i}` }, (child) => {
        produced.push(child.id);
        return `answer-${i}`;
      });
    });
    expect(result).toBe(`answer-${i}`);
  }
  await handle.forceFlush();
  await handle.shutdown();
  receiver.faults.clear();

  const stats = handle.stats();
  observe(JSON.stringify(stats));
  const stored = receiver.events();
  const fileRecords = readJsonl(deadLetterPath);
  observe(JSON.stringify(fileRecords));

  // Exactly once: no envelope id stored twice, the exporter's count equal to the receiver's.
  expect(receiver.stats().duplicateEnvelopeIds).toBe(0);
  expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
  expect(stats.eventsSent).toBe(stored.length);
  // Everything given up on is counted with a reason, handed to onDrop and written to the dead-letter file. On the
  // OTLP path the unit of the counters and of the file is the span; the hook gets the events the mapping makes.
  if (stats.transport === 'otlp') {
    expect(drops.observationIds().length).toBe(undeliveredOf(stats));
    expect(fileRecords.length).toBe(undeliveredOf(stats));
  } else {
    expect(drops.events.length).toBe(undeliveredOf(stats));
    expect(fileRecords.length).toBe(drops.events.length);
  }
  expect(stats.deadLettered).toBe(fileRecords.length);
  expect(stats.exportsInFlight).toBe(0);
  const storedIds = new Set(stored.map((e) => e.body.id));
  const dropped = new Set(drops.observationIds());
  const lost = produced.filter((id) => !storedIds.has(id) && !dropped.has(id));
  expect(lost).toEqual([]);
  return { stats, drops, deadLetterPath, fileRecords, produced, stored, lost };
}
