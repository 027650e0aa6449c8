import type { TimeInput } from '@opentelemetry/api';

/** A usable OTel time (Date, epoch ms, HrTime), else undefined (now). */
export function timeInput(value: unknown): TimeInput | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (Array.isArray(value) && value.length === 2 && value.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    return [value[0], value[1]] as [number, number];
  }
  return undefined;
}
