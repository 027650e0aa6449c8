import { describe, expect, it } from 'vitest';
import { describeServerMessage, parseMultiStatus } from '../src/delivery/ingestion/ingestion-response.js';

describe('parseMultiStatus', () => {
  it("reads Langfuse's 207 shape into results by envelope id", () => {
    const results = parseMultiStatus(
      JSON.stringify({ successes: [{ id: 'a', status: 201 }], errors: [{ id: 'b', status: 400, message: 'Invalid', error: { x: 1 } }] }),
    );
    expect(results?.get('a')).toEqual({ id: 'a', status: 201, message: undefined, error: undefined });
    expect(results?.get('b')).toMatchObject({ status: 400, message: 'Invalid' });
  });

  it('returns undefined for bodies of another shape', () => {
    expect(parseMultiStatus('not json')).toBeUndefined();
    expect(parseMultiStatus('{"successes":[]}')).toBeUndefined();
    expect(parseMultiStatus('null')).toBeUndefined();
  });
});

describe('describeServerMessage', () => {
  it('prefers the JSON message and bounds the length', () => {
    expect(describeServerMessage('{"message":"Invalid credentials"}')).toBe('Invalid credentials');
    expect(describeServerMessage('x'.repeat(1_000))).toHaveLength(301);
  });
});
