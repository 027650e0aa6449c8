import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver } from '../src/index.js';
import { spanCreate, traceCreate } from './event-builders.js';
import { ingest } from './ingestion-client.js';
import { exportOtlp } from './otlp-client.js';
import { simpleSpan, toOtlpProtobuf } from './otlp-payloads.js';

describe('JSONL sink', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'receiver-jsonl-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function readLines(path: string): Promise<unknown[]> {
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    return text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
  }

  it('appends each stored event once as one JSON line and flushes on close()', async () => {
    const path = join(dir, 'events.jsonl');
    const receiver = await startReceiver({ jsonlPath: path });
    const trace = traceCreate();
    const span = spanCreate({ input: 'line one\nline two' });
    await ingest(receiver, [trace, span, spanCreate({ level: 'INFO' })]);
    await ingest(receiver, [span]);
    await receiver.close();
    expect(await readLines(path)).toEqual([trace, span]);
  });

  it('appends events stored from OTLP spans too, in store order', async () => {
    const path = join(dir, 'otlp.jsonl');
    const receiver = await startReceiver({ jsonlPath: path });
    const trace = traceCreate();
    await ingest(receiver, [trace]);
    await exportOtlp(receiver, toOtlpProtobuf({ spans: [simpleSpan()] }));
    const stored = receiver.events();
    await receiver.close();
    expect(stored.map((event) => event.type)).toEqual(['trace-create', 'trace-create', 'span-create']);
    expect(await readLines(path)).toEqual(JSON.parse(JSON.stringify(stored)));
  });

  it('appends to an existing file', async () => {
    const path = join(dir, 'existing.jsonl');
    await writeFile(path, '{"earlier":true}\n');
    const receiver = await startReceiver({ jsonlPath: path });
    const trace = traceCreate();
    await ingest(receiver, [trace]);
    await receiver.close();
    expect(await readLines(path)).toEqual([{ earlier: true }, trace]);
  });

  it('rejects at start when the file cannot be opened', async () => {
    await expect(startReceiver({ jsonlPath: join(dir, 'missing-dir', 'events.jsonl') })).rejects.toThrow(/ENOENT/);
  });
});
