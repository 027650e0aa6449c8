import { describe, expect, it } from 'vitest';
import { MASK_FAILED, createSpanMapper, type MaskFunction } from '../../src/mapping/index.js';
import { makeSpans } from '../helpers.js';
import { createRecorder, mapSpan, noteCodes } from './span-fixtures.js';

const ATTRIBUTES = {
  'langfuse.observation.input': '{"password":"hunter2","q":"hi"}',
  'langfuse.observation.output': 'secret answer',
  'langfuse.observation.metadata.token': 'abc',
  'langfuse.trace.metadata.apiKey': 'sk-1',
  'langfuse.trace.input': '{"card":"4111"}',
};

describe('mask', () => {
  it('sees parsed values with their field and replaces them', () => {
    const seen: Array<[string, unknown]> = [];
    const mask: MaskFunction = ({ data, field }) => {
      seen.push([field, data]);
      return field === 'metadata' ? { masked: true } : '***';
    };
    const span = createRecorder({}, { name: '' }).record({ attributes: ATTRIBUTES, events: [{ name: 'e', attributes: { a: 1 } }] });
    const { observation, trace, events } = mapSpan(span, { mask });
    expect(observation.body).toMatchObject({ input: '***', output: '***', metadata: { masked: true } });
    expect(trace?.body).toMatchObject({ input: '***', output: '***', metadata: { masked: true } });
    expect(events.find((e) => e.type === 'event-create')?.body.metadata).toEqual({ masked: true });
    expect(seen).toContainEqual(['input', { password: 'hunter2', q: 'hi' }]);
    expect(seen).toContainEqual(['output', 'secret answer']);
    expect(seen).toContainEqual(['metadata', { token: 'abc' }]);
    expect(seen).toContainEqual(['metadata', { apiKey: 'sk-1' }]);
    expect(seen).toContainEqual(['input', { card: '4111' }]);
  });

  it('masks the whole observation metadata, including the copied span attributes', () => {
    const seen: unknown[] = [];
    const span = createRecorder({}, { name: '' }).record({ attributes: { 'http.url': 'https://x/?token=1' } });
    mapSpan(span, {
      mask: ({ data, field }) => {
        if (field === 'metadata') seen.push(data);
        return data;
      },
    });
    expect(seen).toEqual([{ attributes: { 'http.url': 'https://x/?token=1' } }]);
  });

  it('fails closed: a throwing mask yields the marker and one note per failure, never the raw value', () => {
    const span = createRecorder({}, { name: '' }).record({ attributes: ATTRIBUTES });
    const { observation, trace, notes, events } = mapSpan(span, {
      mask: () => {
        throw new Error('mask bug: hunter2');
      },
    });
    expect(MASK_FAILED).toBe('<masking failed>');
    expect(observation.body.input).toBe('<masking failed>');
    expect(observation.body.output).toBe('<masking failed>');
    expect(observation.body.metadata).toEqual({ metadata: '<masking failed>' });
    expect(trace?.body.input).toBe('<masking failed>');
    expect(trace?.body.metadata).toEqual({ metadata: '<masking failed>' });
    expect(new Set(noteCodes(notes))).toEqual(new Set(['mask-failed']));
    expect(JSON.stringify(events)).not.toContain('hunter2');
    expect(JSON.stringify(notes)).not.toContain('hunter2');
  });

  it('the root trace reuses the masked observation I/O without masking twice', () => {
    let calls = 0;
    const span = createRecorder({}, { name: '' }).record({ attributes: { 'langfuse.observation.input': '"x"' } });
    const { trace } = mapSpan(span, {
      mask: ({ data }) => {
        calls++;
        return `masked(${String(data)})`;
      },
    });
    expect(trace?.body.input).toBe('masked(x)');
    expect(calls).toBe(1);
  });

  it('a mask returning undefined removes the field; a non-object metadata is wrapped', () => {
    const span = createRecorder({}, { name: '' }).record({ attributes: ATTRIBUTES });
    const { observation } = mapSpan(span, {
      mask: ({ field }) => (field === 'metadata' ? 'redacted' : undefined),
    });
    expect(observation.body).not.toHaveProperty('input');
    expect(observation.body.metadata).toEqual({ metadata: 'redacted' });
  });

  it('a mask editing metadata in place changes neither the span nor the mapper caches', () => {
    const recorder = createRecorder({ 'service.name': 'svc' }, { name: 'lib' });
    let edit = true;
    const mask: MaskFunction = ({ data }) => {
      if (!edit) return data;
      const record = data as Record<string, Record<string, unknown>>;
      for (const part of Object.values(record)) for (const key of Object.keys(part)) part[key] = 'x';
      return data;
    };
    const mapper = createSpanMapper({ mask });
    const first = recorder.record({ attributes: { tags: ['a'] } });
    expect(mapper.map(first).find((e) => e.type === 'span-create')?.body.metadata).toEqual({
      attributes: { tags: 'x' },
      resourceAttributes: { 'service.name': 'x' },
      scope: { name: 'x' },
    });
    expect(first.attributes['tags']).toEqual(['a']);
    edit = false;
    const second = mapper.map(recorder.record()).find((e) => e.type === 'span-create');
    expect(second?.body.metadata).toEqual({ resourceAttributes: { 'service.name': 'svc' }, scope: { name: 'lib' } });
  });
});

describe('an asynchronous mask', () => {
  it('fails closed: the value becomes the marker, never the raw value or {}', () => {
    const notes: string[] = [];
    const mapper = createSpanMapper({ mask: async ({ data }) => data }, (n) => notes.push(n.code));
    const [span] = makeSpans(1, { 'langfuse.observation.input': '{"card":"4111"}' });
    const observation = mapper.map(span!).find((e) => e.type === 'span-create');
    expect(observation?.body.input).toBe(MASK_FAILED);
    expect(notes).toContain('mask-async');
  });
});
