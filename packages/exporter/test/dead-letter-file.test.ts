import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureDiag, type CapturedDiag } from '@otel-langfuse/test-support';
import { ComponentLogger } from '../src/diagnostics/component-logger.js';
import { DeadLetterFile } from '../src/losses/dead-letter-file.js';

let logs: CapturedDiag;
let dir: string;
beforeEach(() => {
  logs = captureDiag();
  dir = mkdtempSync(join(tmpdir(), 'dead-letter-'));
});
afterEach(() => logs.restore());

const log = () => new ComponentLogger('test');
const line = (n: number, size = 10) => `${JSON.stringify({ n, pad: 'p'.repeat(size) })}\n`;

describe('DeadLetterFile', () => {
  it('appends lines asynchronously, creating the directory and the file with mode 0600', async () => {
    const path = join(dir, 'nested/deeper/dead.jsonl');
    const file = new DeadLetterFile(path, 1_000_000, log());
    file.add([line(1), line(2)]);
    file.add([line(3)]);
    await file.flush();
    expect(readFileSync(path, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { n: number }).n)).toEqual([1, 2, 3]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(file.written).toBe(3);
  });

  it('never grows past maxBytes, counting an existing file, and says so once', async () => {
    const path = join(dir, 'dead.jsonl');
    writeFileSync(path, 'x'.repeat(500));
    const file = new DeadLetterFile(path, 1_000, log());
    for (let i = 0; i < 20; i++) file.add([line(i, 60)]);
    await file.flush();
    file.add([line(99, 60)]);
    await file.flush();
    expect(statSync(path).size).toBeLessThanOrEqual(1_000);
    expect(file.written + (file.skipped['file-full'] ?? 0)).toBe(21);
    expect(file.written).toBeGreaterThan(0);
    expect(logs.lines.filter((l) => l.message.includes('reached deadLetterMaxBytes'))).toHaveLength(1);
  });

  it('bounds what waits to be written', async () => {
    const file = new DeadLetterFile(join(dir, 'dead.jsonl'), 1_000_000, log(), 200);
    file.add(Array.from({ length: 10 }, (_, i) => line(i, 50)));
    expect(file.skipped['buffer-full']).toBeGreaterThan(0);
    await file.flush();
    expect(file.written + file.skipped['buffer-full']!).toBe(10);
  });

  it('a write error turns the file off with one diagnostic, never a throw', async () => {
    const path = join(dir, 'is-a-directory');
    mkdirSync(path);
    const file = new DeadLetterFile(path, 1_000_000, log());
    file.add([line(1)]);
    await file.flush();
    file.add([line(2)]);
    await file.flush();
    expect(file.written).toBe(0);
    expect(file.skipped['write-error']).toBe(2);
    expect(logs.lines.filter((l) => l.level === 'error' && l.message.includes('could not write the dead-letter file'))).toHaveLength(1);
  });

  it('refuses lines after close, counting them', async () => {
    const file = new DeadLetterFile(join(dir, 'dead.jsonl'), 1_000_000, log());
    file.add([line(1)]);
    await file.close();
    file.add([line(2)]);
    file.refuse(3);
    expect(file.written).toBe(1);
    expect(file.skipped).toEqual({ closed: 4 });
  });
});
