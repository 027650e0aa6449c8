import { errorKind } from './error-kind.js';
import type { MaskField, MaskFunction } from './options.js';
import type { Note } from './notes.js';

export const MASK_FAILED = '<masking failed>';

/** The masked value; fails closed: a throwing mask yields the fixed marker, never the raw value. */
export function applyMask(mask: MaskFunction | undefined, data: unknown, field: MaskField, note: Note): unknown {
  if (mask === undefined || data === undefined) return data;
  try {
    const masked = mask({ data, field });
    if (isThenable(masked)) {
      // A mask must be synchronous: the value is needed now, and a Promise serializes as {}.
      note('mask-async', `mask returned a Promise for ${field}; masks must be synchronous. The value was replaced by '${MASK_FAILED}'`);
      return MASK_FAILED;
    }
    return masked;
  } catch (error) {
    note('mask-failed', `mask threw (${errorKind(error)}) on ${field}; the value was replaced by '${MASK_FAILED}'`);
    return MASK_FAILED;
  }
}

export function isThenable(value: unknown): boolean {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
