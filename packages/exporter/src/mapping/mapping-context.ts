import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ConventionSpan } from './conventions/convention-span.js';
import type { HrTimeFormatter } from './hr-time-format.js';
import type { ScopeInfo } from './metadata.js';
import type { Note } from './notes.js';
import type { MappingOptions } from './options.js';
import type { ResourceInfo } from './resource-info.js';
import type { SpanAttributes } from './span-attributes.js';

/** Everything the event builders need about one span, resolved once. */
export interface SpanMappingContext {
  readonly span: ReadableSpan;
  readonly attributes: SpanAttributes;
  /** Other LLM conventions' view of the span; undefined when it has none of their attributes or events. */
  readonly conventions: ConventionSpan | undefined;
  readonly traceId: string;
  readonly spanId: string;
  /** The parent span id; undefined for a trace root (no parent, or `langfuse.internal.as_root`). */
  readonly parentSpanId: string | undefined;
  readonly isRoot: boolean;
  /** A local root continuing a trace from another process. */
  readonly hasRemoteParent: boolean;
  readonly startTime: string;
  /**
   * The trace's start as far as this span knows: its own start for a root, else the start the span context's
   * `tracestate` carries, else the span's own start (the earliest time it knows the trace existed).
   */
  readonly traceStartTime: string;
  /** Also the envelope timestamp of every event of the span. */
  readonly endTime: string;
  readonly environment: string | undefined;
  readonly version: string | undefined;
  readonly resource: ResourceInfo | undefined;
  readonly scope: ScopeInfo | undefined;
  readonly options: MappingOptions;
  readonly format: HrTimeFormatter;
  readonly note: Note;
}
