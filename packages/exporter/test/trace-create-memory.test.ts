import { describe, expect, it } from 'vitest';
import { TraceCreateMemory } from '../src/trace-create-memory.js';

describe('TraceCreateMemory', () => {
  it('remembers bodies per trace', () => {
    const memory = new TraceCreateMemory();
    memory.remember('t1', 'a');
    expect(memory.has('t1', 'a')).toBe(true);
    expect(memory.has('t1', 'b')).toBe(false);
    expect(memory.has('t2', 'a')).toBe(false);
  });

  it('is bounded: the least recently used trace is forgotten first', () => {
    const memory = new TraceCreateMemory(2, 2);
    memory.remember('t1', 'a');
    memory.remember('t2', 'a');
    memory.remember('t1', 'b'); // t1 is now the most recent
    memory.remember('t3', 'a');
    expect(memory.has('t2', 'a')).toBe(false);
    expect(memory.has('t1', 'a')).toBe(true);
    memory.remember('t1', 'c');
    expect(memory.has('t1', 'a')).toBe(false); // only the last 2 bodies per trace
    expect(memory.has('t1', 'c')).toBe(true);
  });
});
