import { describe, expect, it } from 'vitest';
import { TraceCreateMemory } from '../src/events/trace-create-memory.js';

const fp = (userId: string) => TraceCreateMemory.fingerprint({ id: 't', userId });

describe('TraceCreateMemory', () => {
  it('calls a body unchanged only when it equals the last one delivered', () => {
    const memory = new TraceCreateMemory();
    memory.rememberSent('t1', fp('u1'));
    expect(memory.isUnchanged('t1', fp('u1'))).toBe(true);
    memory.rememberSent('t1', fp('u2'));
    // u1 again after u2 is a real change on the server: it must be sent.
    expect(memory.isUnchanged('t1', fp('u1'))).toBe(false);
    expect(memory.isUnchanged('t2', fp('u2'))).toBe(false);
  });

  it('remembers the fields set explicitly, per trace', () => {
    const memory = new TraceCreateMemory();
    memory.rememberExplicitFields('t1', ['name', 'userId']);
    memory.rememberExplicitFields('t1', ['tags']);
    expect([...(memory.explicitFields('t1') ?? [])].sort()).toEqual(['name', 'tags', 'userId']);
    expect(memory.explicitFields('t2')).toBeUndefined();
  });

  it('is bounded: the least recently used trace is forgotten first', () => {
    const memory = new TraceCreateMemory(2);
    memory.rememberSent('t1', 'a');
    memory.rememberSent('t2', 'a');
    memory.rememberExplicitFields('t1', ['name']); // t1 is now the most recent
    memory.rememberSent('t3', 'a');
    expect(memory.size).toBe(2);
    expect(memory.isUnchanged('t2', 'a')).toBe(false);
    expect(memory.isUnchanged('t1', 'a')).toBe(true);
  });

  it("leaves the body's timestamp out: the server keeps the first one, so a body differing only there is unchanged", () => {
    const body = { id: 't', userId: 'u' };
    const stamped = TraceCreateMemory.fingerprint({ ...body, timestamp: '2026-01-01T00:00:01.000Z' });
    expect(TraceCreateMemory.fingerprint({ ...body, timestamp: '2026-01-01T00:00:02.000Z' })).toBe(stamped);
    expect(TraceCreateMemory.fingerprint(body)).toBe(stamped);
    expect(TraceCreateMemory.fingerprint({ ...body, userId: 'v', timestamp: '2026-01-01T00:00:01.000Z' })).not.toBe(stamped);
  });

  it('remembers that a trace is public', () => {
    const memory = new TraceCreateMemory(10);
    expect(memory.isPublic('t')).toBe(false);
    memory.rememberPublic('t');
    expect(memory.isPublic('t')).toBe(true);
  });

  it('keeps a hash, not the body: memory does not grow with input size', () => {
    expect(TraceCreateMemory.fingerprint({ id: 't', input: 'x'.repeat(1_000_000) }).length).toBeLessThan(40);
  });
});
