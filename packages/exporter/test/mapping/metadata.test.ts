import { describe, expect, it } from 'vitest';
import { createRecorder, mapSpan, noteCodes } from './span-fixtures.js';

describe('observation metadata', () => {
  it('merges the JSON object and per-key attributes at top level (per-key wins, JSON values parsed)', () => {
    const span = createRecorder({}, { name: '' }).record({
      attributes: {
        'langfuse.observation.metadata': '{"a":1,"b":"json"}',
        'langfuse.observation.metadata.b': 'per-key',
        'langfuse.observation.metadata.c': '{"nested":true}',
        'langfuse.observation.metadata.d': 'plain text',
      },
    });
    expect(mapSpan(span).observation.body.metadata).toEqual({
      a: 1,
      b: 'per-key',
      c: { nested: true },
      d: 'plain text',
    });
  });

  it('adds the other non-langfuse attributes, a compact resource subset and the scope', () => {
    const span = createRecorder(
      {
        'service.name': 'checkout',
        'service.namespace': 'shop',
        'service.version': '1.0.0',
        'service.instance.id': 'i-1',
        'deployment.environment.name': 'prod',
        'host.name': 'web-1',
        'telemetry.sdk.language': 'nodejs',
        'process.pid': 123,
      },
      { name: 'my-lib', version: '2.0.0' },
    ).record({ attributes: { 'http.method': 'GET', 'langfuse.observation.level': 'DEBUG', retries: [1, 2] } });
    expect(mapSpan(span).observation.body.metadata).toEqual({
      attributes: { 'http.method': 'GET', retries: [1, 2] },
      resourceAttributes: {
        'service.name': 'checkout',
        'service.namespace': 'shop',
        'service.version': '1.0.0',
        'service.instance.id': 'i-1',
        'deployment.environment.name': 'prod',
        'host.name': 'web-1',
      },
      scope: { name: 'my-lib', version: '2.0.0' },
    });
  });

  it('leaves empty parts out (no attributes, no resource subset, scope without version)', () => {
    const span = createRecorder({ 'telemetry.sdk.name': 'opentelemetry' }, { name: 'lib' }).record();
    expect(mapSpan(span).observation.body.metadata).toEqual({ scope: { name: 'lib' } });
  });

  it('has no metadata at all when there is nothing to say', () => {
    const span = createRecorder({}, { name: '' }).record({ attributes: { 'langfuse.observation.level': 'DEBUG' } });
    expect(mapSpan(span).observation.body).not.toHaveProperty('metadata');
  });

  it('leaves out alias attributes that were mapped to trace fields', () => {
    const span = createRecorder({}, { name: '' }).record({ attributes: { 'user.id': 'u', other: 1 } });
    const { observation, trace } = mapSpan(span);
    expect(trace?.body.userId).toBe('u');
    expect(observation.body.metadata).toEqual({ attributes: { other: 1 } });
  });

  it("user keys named like the debug parts win over them", () => {
    const span = createRecorder({}, { name: 'lib' }).record({
      attributes: { 'langfuse.observation.metadata.scope': 'mine', x: 1 },
    });
    expect(mapSpan(span).observation.body.metadata).toEqual({ scope: 'mine', attributes: { x: 1 } });
  });

  it('keeps a non-object metadata JSON under the key "metadata" with a note', () => {
    const span = createRecorder({}, { name: '' }).record({
      attributes: { 'langfuse.observation.metadata': '[1,2]' },
    });
    const { observation, notes } = mapSpan(span);
    expect(observation.body.metadata).toEqual({ metadata: [1, 2] });
    expect(noteCodes(notes)).toEqual(['metadata-invalid']);
  });

  it('does not put trace metadata into the observation', () => {
    const span = createRecorder({}, { name: '' }).record({ attributes: { 'langfuse.trace.metadata.k': 'v' } });
    const { observation, trace } = mapSpan(span);
    expect(trace?.body.metadata).toEqual({ k: 'v' });
    expect(observation.body).not.toHaveProperty('metadata');
  });
});
