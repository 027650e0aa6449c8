import type { MaskField, MaskFunction } from './options.js';
import type { Note } from './notes.js';

export const MASK_FAILED = '<masking failed>';

/** The masked value; fails closed: a throwing mask yields the fixed marker, never the raw value. */
export function applyMask(mask: MaskFunction | undefined, data: unknown, field: MaskField, note: Note): unknown {
  if (mask === undefined || data === undefined) return data;
  try {
    return mask({ data, field });
  } catch (error) {
    let kind: string = typeof error;
    try {
      if (error instanceof Error) kind = String(error.name).slice(0, 40);
    } catch {
      // A hostile error object: keep the generic kind.
    }
    note('mask-failed', `mask threw (${kind}) on ${field}; the value was replaced by '${MASK_FAILED}'`);
    return MASK_FAILED;
  }
}
