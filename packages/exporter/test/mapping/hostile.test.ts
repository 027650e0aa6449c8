import { describe, expect, it } from 'vitest';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createSpanMapper, type MappingNote } from '../../src/mapping/index.js';
import { createRecorder, mapSpan } from './span-fixtures.js';

const HUGE = 'x'.repeat(2_000_000);

describe('hostile input', () => {
  it('never throws on huge strings, invalid JSON and odd types', () => {
    const span = createRecorder().record({
      name: HUGE,
      attributes: {
        'langfuse.observation.type': ['generation'] as unknown as string,
        'langfuse.observation.input': HUGE,
        'langfuse.observation.output': `{${HUGE}`,
        'langfuse.observation.metadata': '{"a":',
        'langfuse.observation.metadata.__proto__': '{"polluted":true}',
        'langfuse.observation.level': 42,
        'langfuse.observation.model.name': [1, 2] as unknown as string,
        'langfuse.observation.model.parameters': '{"__proto__":{"x":1},"deep":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
        'langfuse.observation.usage_details': '{"input":1e400,"output":"Infinity","__proto__":5}',
        'langfuse.observation.cost_details': '[]',
        'langfuse.observation.completion_start_time': '"',
        'langfuse.observation.prompt.name': 7,
        'langfuse.observation.prompt.version': [1],
        'langfuse.trace.name': HUGE,
        'langfuse.trace.tags': [null, undefined, 'ok'] as unknown as string[],
        'langfuse.trace.public': 1,
        'langfuse.trace.metadata': 'null',
        'langfuse.user.id': HUGE,
        'langfuse.environment': 'ü'.repeat(100),
        'langfuse.internal.as_root': 'maybe',
        'weird-array': [true, false],
      },
      events: [{ name: HUGE, attributes: { k: HUGE } }, { name: 'exception' }],
    });
    const notes: MappingNote[] = [];
    const events = createSpanMapper({ mask: ({ data }) => data }, (n) => notes.push(n)).map(span);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(() => JSON.stringify(events)).not.toThrow();
    for (const note of notes) expect(note.message.length).toBeLessThan(400);
    const observation = events.find((e) => e.type === 'span-create');
    expect(observation?.body.name).toHaveLength(1000);
    expect(events.find((e) => e.type === 'trace-create')?.body).toMatchObject({ tags: ['ok'] });
  });

  it('reports (and returns nothing for) a span that cannot be read at all', () => {
    const notes: MappingNote[] = [];
    const broken = {
      spanContext: () => {
        throw new Error('broken');
      },
    } as unknown as ReadableSpan;
    expect(createSpanMapper({}, (n) => notes.push(n)).map(broken)).toEqual([]);
    expect(notes.map((n) => n.code)).toEqual(['span-mapping-failed']);
  });

  it('survives a note sink that throws', () => {
    const span = createRecorder().record({ attributes: { 'langfuse.observation.level': 'nope' } });
    const mapper = createSpanMapper({}, () => {
      throw new Error('sink');
    });
    expect(mapper.map(span).length).toBeGreaterThan(0);
  });

  it('a mask returning hostile values is passed through without throwing', () => {
    const span = createRecorder().record({ attributes: { 'langfuse.observation.input': '"x"' } });
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    expect(() => mapSpan(span, { mask: () => circular })).not.toThrow();
  });
});
