import type { Attributes } from '@opentelemetry/api';
import type { MaskFunction } from '@otel-langfuse/exporter';
import { traceAttributes } from './trace-attributes.js';

/** The part of the trace's root observation a scope needs; kept minimal to avoid a module cycle. */
export interface ScopeRoot {
  readonly isRecording: boolean;
  writeAttributes(attributes: Attributes): void;
}

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

  constructor(readonly traceId: string) {}

  /** Records an update of trace fields; returns the attributes that say it on a span. */
  apply(fields: unknown, mask: MaskFunction | undefined, explicit: boolean): Attributes {
    const update = traceAttributes(fields, mask, this.tags, explicit);
    if (update.tags !== undefined) this.tags = update.tags;
    if (Object.keys(update.propagated).length > 0) this.propagated = { ...this.propagated, ...update.propagated };
    return { ...update.propagated, ...update.once };
  }
}
