import type { MaskFunction } from '@otel-langfuse/exporter';
import { errorKind } from '@otel-langfuse/exporter/mapping';
import { log } from '../logger.js';

export type MaskField = 'input' | 'output' | 'metadata';

/** What a value becomes when the user's mask throws: the raw value is never written. Same marker as the exporter's. */
export const MASK_FAILED = '<masking failed>';

/** The masked value; fails closed. An asynchronous mask cannot be awaited here, so it fails closed too. */
export function applyMask(mask: MaskFunction | undefined, data: unknown, field: MaskField): unknown {
  if (mask === undefined || data === undefined) return data;
  let masked: unknown;
  try {
    masked = mask({ data, field });
  } catch (error) {
    // Only the error's class: its message may quote the very data the mask exists to hide.
    log.once('warn', 'mask-threw', `mask threw on ${field} (${errorKind(error)}); the value was replaced by '${MASK_FAILED}'`);
    return MASK_FAILED;
  }
  if (isThenable(masked)) {
    log.once('warn', 'mask-async', `mask returned a Promise on ${field}; masks must be synchronous, the value was replaced by '${MASK_FAILED}'`);
    return MASK_FAILED;
  }
  return masked;
}

/**
 * The mask as the exporter gets it: an asynchronous result throws, so the exporter replaces the value by its
 * marker instead of sending a Promise's `{}`.
 */
export function synchronousMask(mask: MaskFunction): MaskFunction {
  return (params) => {
    const masked = mask(params);
    if (isThenable(masked)) throw new TypeError('mask returned a Promise; masks must be synchronous');
    return masked;
  };
}

function isThenable(value: unknown): boolean {
  try {
    return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return true;
  }
}

