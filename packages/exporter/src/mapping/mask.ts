import { errorKind } from './error-kind.js';
import type { MaskField, MaskFunction } from './options.js';
import type { Note } from './notes.js';

export const MASK_FAILED = '<masking failed>';

/** The masked value; fails closed: a throwing mask yields the fixed marker, never the raw value. */
export function applyMask(mask: MaskFunction | undefined, data: unknown, field: MaskField, note: Note): unknown {
  if (mask === undefined || data === undefined) return data;
  try {
    return mask({ data, field });
  } catch (error) {
    note('mask-failed', `mask threw (${errorKind(error)}) on ${field}; the value was replaced by '${MASK_FAILED}'`);
    return MASK_FAILED;
  }
}
