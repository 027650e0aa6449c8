import { describe, expect, it } from 'vitest';
import { createHrTimeFormatter, formatHrTime } from '../../src/mapping/index.js';

describe('formatHrTime', () => {
  it('formats ISO 8601 UTC with Z and microsecond precision', () => {
    expect(formatHrTime([1_714_564_800, 123_456_789])).toBe('2024-05-01T12:00:00.123456Z');
  });

  it('pads the fraction to 6 digits', () => {
    expect(formatHrTime([1_714_564_800, 0])).toBe('2024-05-01T12:00:00.000000Z');
    expect(formatHrTime([1_714_564_800, 1_000])).toBe('2024-05-01T12:00:00.000001Z');
    expect(formatHrTime([1_714_564_800, 999_999_999])).toBe('2024-05-01T12:00:00.999999Z');
  });

  it('agrees with Date at millisecond precision over many instants', () => {
    const format = createHrTimeFormatter();
    for (let ms = 1_700_000_000_000; ms < 1_700_000_000_000 + 86_400_000 * 400; ms += 86_400_000 * 7 + 1_234_567) {
      const seconds = Math.floor(ms / 1000);
      const iso = format([seconds, (ms % 1000) * 1e6]);
      expect(iso.slice(0, 23) + 'Z').toBe(new Date(ms).toISOString());
    }
  });

  it('keeps the cached second correct when times go back and forth', () => {
    const format = createHrTimeFormatter();
    expect(format([1_714_564_800, 5_000])).toBe('2024-05-01T12:00:00.000005Z');
    expect(format([1_714_564_801, 5_000])).toBe('2024-05-01T12:00:01.000005Z');
    expect(format([1_714_564_800, 7_000])).toBe('2024-05-01T12:00:00.000007Z');
    expect(format([0, 0])).toBe('1970-01-01T00:00:00.000000Z');
  });

  it('a cached formatter agrees with one-off formatting on any sequence of seconds', () => {
    const format = createHrTimeFormatter();
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      const time: [number, number] = [1_714_564_800 + (seed % 4), seed % 1_000_000_000];
      expect(format(time)).toBe(formatHrTime(time));
    }
  });

  it('normalizes out-of-range nanoseconds and fractional seconds instead of throwing', () => {
    expect(formatHrTime([1_714_564_800, 1_500_000_000])).toBe('2024-05-01T12:00:01.500000Z');
    expect(formatHrTime([1_714_564_800.25, 0])).toBe('2024-05-01T12:00:00.250000Z');
    expect(formatHrTime([Number.NaN, Number.NaN])).toBe('1970-01-01T00:00:00.000000Z');
    expect(formatHrTime([1e20, 0])).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  });
});
