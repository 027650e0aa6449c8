import { describe, expect, it } from 'vitest';
import { isZonedDateTime } from '../src/ingestion/zoned-date-time.js';

describe('isZonedDateTime', () => {
  it.each([
    '2024-05-01T10:00:00Z',
    '2024-05-01T10:00:00.123Z',
    '2024-05-01T10:00:00.123456789Z',
    '2024-05-01T10:00:00+02:00',
    '2024-05-01T10:00:00.5-0130',
    '2024-05-01T10:00:00+05',
    '2024-02-29T23:59:59Z',
  ])('accepts %s', (value) => {
    expect(isZonedDateTime(value)).toBe(true);
  });

  it.each([
    '2024-05-01T10:00:00',
    '2024-05-01T10:00:00.000',
    '2024-05-01 10:00:00Z',
    '2024-05-01T10:00Z',
    '2024-05-01',
    '2023-02-29T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-05-01T24:00:00Z',
    '2024-05-01T10:60:00Z',
    '2024-05-01T10:00:00+25:00',
    '1714557600000',
    '',
  ])('refuses %s', (value) => {
    expect(isZonedDateTime(value)).toBe(false);
  });
});
