import type { Attributes } from '@opentelemetry/api';
import type { MaskFunction } from '@otel-langfuse/exporter';
import { TRACE_METADATA } from '../attribute-names.js';
import { log } from '../logger.js';
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

  /** Records an update of trace fields; returns the attributes that say it on a span. */
  apply(fields: unknown, mask: MaskFunction | undefined, explicit: boolean): Attributes {
    const update = traceAttributes(fields, mask, this.tags, explicit);
    if (update.tags !== undefined) this.tags = update.tags;
    this.capMetadataKeys(update.propagated);
    if (Object.keys(update.propagated).length > 0) this.propagated = { ...this.propagated, ...update.propagated };
    return { ...update.propagated, ...update.once };
  }

  /** Drops new metadata keys from `update` once the trace has `MAX_TRACE_METADATA_KEYS`; known keys may change. */
  private capMetadataKeys(update: Attributes): void {
    for (const key of Object.keys(update)) {
      if (!key.startsWith(METADATA_PREFIX) || Object.prototype.hasOwnProperty.call(this.propagated, key)) continue;
      if (this.metadataKeys < MAX_TRACE_METADATA_KEYS) {
        this.metadataKeys++;
        continue;
      }
      delete update[key];
      log.once('warn', 'trace-metadata-capped', `a trace has ${MAX_TRACE_METADATA_KEYS} metadata keys; further keys are ignored`);
    }
  }
}
