import type { Attributes } from '@opentelemetry/api';
import type { MaskFunction } from '@otel-langfuse/exporter';
import { TRACE_METADATA } from '../attribute-names.js';
import { log } from '../logger.js';
import type { TraceFieldValues } from './read-fields.js';
import { traceAttributes } from './trace-attributes.js';

/** The part of the trace's root observation a scope needs; kept minimal to avoid a module cycle. */
export interface ScopeRoot {
  readonly isRecording: boolean;
  writeAttributes(attributes: Attributes): void;
}

/**
 * Trace metadata keys carried onto every later span. Beyond it new keys are ignored: OTel keeps 128
 * attributes a span, and each span also needs room for its own (up to 32 metadata keys, I/O, model, ...).
 */
export const MAX_TRACE_METADATA_KEYS = 64;

const METADATA_PREFIX = `${TRACE_METADATA}.`;

/**
 * The local part of one trace: its root observation and the trace-level attributes (user, session, tags,
 * metadata, version, environment) every observation started later carries, as Langfuse's own SDKs do. Shared
 * by every context inside the trace, so an update from anywhere reaches spans started after it.
 */
export class TraceScope {
  /** Copied onto each new span; replaced (never mutated) on update. */
  propagated: Attributes = {};
  root: ScopeRoot | undefined;
  private tags: readonly string[] = [];
  private metadataKeys = 0;

  constructor(readonly traceId: string) {}

  /** Records an update of trace fields; returns the attributes that say it on a span (a new object, the caller's). */
  apply(fields: TraceFieldValues, mask: MaskFunction | undefined, explicit: boolean): Attributes {
    const { propagated, once, tags } = traceAttributes(fields, mask, this.tags, explicit);
    if (tags !== undefined) this.tags = tags;
    // Object.assign rather than spreads: V8 gives a spread copy a map of its own, and each key added to it later
    // (attributes are added to what this returns) then costs a new map.
    if (this.capMetadataKeys(propagated)) this.propagated = Object.assign({}, this.propagated, propagated);
    return Object.assign(propagated, once);
  }

  /**
   * Drops new metadata keys from `update` once the trace has `MAX_TRACE_METADATA_KEYS`; known keys may change.
   * Says whether `update` has any key left.
   */
  private capMetadataKeys(update: Attributes): boolean {
    let kept = false;
    for (const key in update) {
      if (key.startsWith(METADATA_PREFIX) && !Object.prototype.hasOwnProperty.call(this.propagated, key)) {
        if (this.metadataKeys >= MAX_TRACE_METADATA_KEYS) {
          // Deleting the key being visited is safe in for-in: keys not yet visited are unaffected.
          delete update[key];
          log.once('warn', 'trace-metadata-capped', `a trace has ${MAX_TRACE_METADATA_KEYS} metadata keys; further keys are ignored`);
          continue;
        }
        this.metadataKeys++;
      }
      kept = true;
    }
    return kept;
  }
}
