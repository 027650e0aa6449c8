import { describe, expect, it } from 'vitest';
import { MemoryBudget } from '../src/delivery/memory-budget.js';

describe('MemoryBudget', () => {
  it('admits what fits, refuses what does not, and gets everything back on release', () => {
    const budget = new MemoryBudget(100);
    const a = budget.open();
    const b = budget.open();
    expect(a.take(60)).toBe(true);
    expect(b.take(50)).toBe(false);
    expect(b.take(40)).toBe(true);
    expect(budget.used).toBe(100);
    expect(budget.full).toBe(true);
    a.release();
    a.release(); // idempotent
    expect(budget.used).toBe(40);
    expect(a.take(1)).toBe(false); // a released reservation takes nothing more
    b.release();
    expect(budget.used).toBe(0);
    expect(budget.peak).toBe(100);
    expect(budget.open().take(-1)).toBe(false);
  });
});
