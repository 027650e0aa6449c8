import { describe, expect, it } from 'vitest';
import { retryDelay } from '../src/delivery/http/retry-policy.js';

const policy = (random: number) => ({ initialDelayMs: 100, maxDelayMs: 1_000, random: () => random });

describe('retryDelay', () => {
  it('doubles per attempt with jitter between half and all of the step', () => {
    expect(retryDelay(1, undefined, 60_000, policy(0))).toBe(50);
    expect(retryDelay(1, undefined, 60_000, policy(1))).toBe(100);
    expect(retryDelay(3, undefined, 60_000, policy(1))).toBe(400);
  });

  it('caps the step', () => {
    expect(retryDelay(10, undefined, 60_000, policy(1))).toBe(1_000);
  });

  it("honours the server's Retry-After", () => {
    expect(retryDelay(1, 2_500, 60_000, policy(0))).toBe(2_500);
  });

  it('gives up when the wait would reach the deadline', () => {
    expect(retryDelay(1, 2_500, 2_000, policy(0))).toBe(0);
    expect(retryDelay(4, undefined, 100, policy(1))).toBe(0);
  });
});
