import { beforeEach, describe, expect, it } from 'vitest';
import { langfuse } from '../src/index.js';
import { MAX_TRACE_METADATA_KEYS } from '../src/facade/trace-scope.js';
import { spanRecorder, useTracingTestBed } from './helpers.js';

const { logs, setup } = useTracingTestBed({ captureDiag: true });
let recorder: ReturnType<typeof spanRecorder>;

beforeEach(() => {
  recorder = spanRecorder();
  setup({ mode: 'sync', spanProcessors: [recorder.processor] });
});

const metadataKeysOf = (name: string): string[] => Object.keys(recorder.byName(name).attributes).filter((key) => key.startsWith('langfuse.trace.metadata.'));
const warnings = (text: string) => logs().lines.filter((line) => line.level === 'warn' && line.message.includes(text));

describe('what one trace accumulates is bounded', () => {
  it('tags: at most 100 over all updates, with one warning', () => {
    langfuse.trace({ name: 'tagged', tags: Array.from({ length: 60 }, (_, i) => `a${i}`) }, () => {
      for (let round = 0; round < 3; round++) langfuse.updateTrace({ tags: Array.from({ length: 60 }, (_, i) => `r${round}-${i}`) });
      langfuse.span({ name: 'tagged-child' }, () => undefined);
    });
    const tags = recorder.byName('tagged-child').attributes['langfuse.trace.tags'] as string[];
    expect(tags).toHaveLength(100);
    expect(tags.slice(0, 2)).toEqual(['a0', 'a1']);
    expect(warnings('tags')).toHaveLength(1);
  });

  it('metadata keys carried onto later spans: capped, while known keys still change', () => {
    langfuse.trace({ name: 'described' }, () => {
      for (let round = 0; round < 5; round++) {
        langfuse.updateTrace({ metadata: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`r${round}k${i}`, round])) });
      }
      langfuse.updateTrace({ metadata: { r0k0: 'changed' } });
      langfuse.span({ name: 'described-child' }, () => undefined);
    });
    expect(metadataKeysOf('described-child')).toHaveLength(MAX_TRACE_METADATA_KEYS);
    expect(recorder.byName('described-child').attributes['langfuse.trace.metadata.r0k0']).toBe('changed');
    expect(metadataKeysOf('described')).toHaveLength(MAX_TRACE_METADATA_KEYS);
    expect(warnings('metadata keys')).toHaveLength(1);
  });
});

describe('single values are bounded', () => {
  it('a huge string as input or as a metadata value, and metadata strings sharing one budget', () => {
    const huge = 'x'.repeat(3_000_000);
    langfuse.span({ name: 'huge', input: huge, metadata: { a: huge, b: huge } }, () => undefined);
    const attributes = recorder.byName('huge').attributes;
    const input = attributes['langfuse.observation.input'] as string;
    expect(input.length).toBeLessThan(1_100_000);
    expect(input).toMatch(/\[truncated \d+ chars\]$/);
    const metadata = [attributes['langfuse.observation.metadata.a'], attributes['langfuse.observation.metadata.b']] as string[];
    expect(metadata[0]!.length + metadata[1]!.length).toBeLessThan(1_100_000);
  });

  it('a thrown non-Error is described by a short excerpt', () => {
    expect(() =>
      langfuse.span({ name: 'thrown-object' }, () => {
        throw { code: 'E_BIG', data: 'y'.repeat(100_000) };
      }),
    ).toThrow();
    const message = recorder.byName('thrown-object').attributes['langfuse.observation.status_message'] as string;
    expect(message.startsWith('{"code":"E_BIG","data":"yyy')).toBe(true);
    expect(message.length).toBeLessThan(1_100);
  });
});
