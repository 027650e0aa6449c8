import type { IngestionEvent, TraceBody, TraceCreateEvent } from '../wire/ingestion-event.js';
import { isPlainObject } from './json-attribute.js';
import { isTraceDefaults } from './trace-event.js';

/** Objects merge key by key (recursively); any other value replaces; undefined never overwrites. */
function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...target };
  for (const key in source) {
    if (key === '__proto__') continue;
    const value = source[key];
    if (value === undefined) continue;
    const current = result[key];
    result[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return result;
}

function timeValue(timestamp: string): number {
  return Date.parse(timestamp);
}

/** Earlier envelope timestamp first; same-format ISO strings compare as text, which keeps microseconds. */
function compareTimestamps(a: string, b: string): number {
  if (a.length === b.length) return a < b ? -1 : a > b ? 1 : 0;
  const diff = timeValue(a) - timeValue(b);
  return Number.isNaN(diff) ? 0 : diff;
}

/** Applies `next` over `merged` the way the server merges events of one trace. */
function mergeBody(merged: TraceBody, next: TraceBody): TraceBody {
  const result: TraceBody = { ...merged };
  for (const key in next) {
    const field = key as keyof TraceBody;
    const value = next[field];
    if (value === undefined) continue;
    switch (field) {
      case 'tags': {
        const tags = next.tags ?? [];
        result.tags = merged.tags === undefined ? [...tags] : [...new Set([...merged.tags, ...tags])];
        break;
      }
      case 'metadata':
        result.metadata =
          merged.metadata === undefined || next.metadata === undefined
            ? next.metadata
            : deepMerge(merged.metadata, next.metadata);
        break;
      case 'input':
      case 'output':
        // The server keeps the last truthy input/output.
        if (value) result[field] = value;
        break;
      default:
        (result as unknown as Record<string, unknown>)[field] = value;
    }
  }
  return result;
}

function merge(contributors: TraceCreateEvent[]): TraceCreateEvent {
  const ordered = contributors.slice().sort((a, b) => compareTimestamps(a.timestamp, b.timestamp));
  let body: TraceBody = { id: contributors[0]!.body.id };
  for (const event of ordered) body = mergeBody(body, event.body);
  // The trace's timestamp is the earliest any contributor knows, and the envelope id the root's: of the
  // contributors with that timestamp, the one that ended last (a root ends after its children).
  let idSource = contributors[0]!;
  for (const event of contributors) {
    const start = event.body.timestamp;
    if (start === undefined) continue;
    const best = idSource.body.timestamp;
    const order = best === undefined ? -1 : compareTimestamps(start, best);
    if (order < 0 || (order === 0 && compareTimestamps(event.timestamp, idSource.timestamp) > 0)) idSource = event;
  }
  if (idSource.body.timestamp !== undefined) body.timestamp = idSource.body.timestamp;
  return {
    id: idSource.id,
    timestamp: ordered[ordered.length - 1]!.timestamp,
    type: 'trace-create',
    body,
  };
}

/** The fields a trace body sets, apart from its id. */
export function traceFieldsOf(body: TraceBody): string[] {
  return Object.keys(body).filter((key) => key !== 'id' && (body as unknown as Record<string, unknown>)[key] !== undefined);
}

/** Whether the body sets `field` (to anything but undefined). */
function sets(body: TraceBody | undefined, field: string): boolean {
  return body !== undefined && Object.prototype.hasOwnProperty.call(body, field) && (body as unknown as Record<string, unknown>)[field] !== undefined;
}

/**
 * A root's fallback values, minus every field some span set explicitly (in `main`, or in an earlier batch as
 * `explicitFieldsSeen` says); undefined when nothing is left.
 */
function remainingDefaults(
  defaults: TraceCreateEvent[],
  explicitFieldsSeen: ReadonlySet<string> | undefined,
  main: TraceBody | undefined,
): TraceCreateEvent | undefined {
  const merged = defaults.length === 1 ? defaults[0]! : merge(defaults);
  const source = merged.body as unknown as Record<string, unknown>;
  const body: TraceBody = { id: merged.body.id };
  let empty = true;
  for (const field of Object.keys(source)) {
    const value = source[field];
    if (field === 'id' || value === undefined || explicitFieldsSeen?.has(field) === true || sets(main, field)) continue;
    (body as unknown as Record<string, unknown>)[field] = value;
    empty = false;
  }
  return empty ? undefined : { ...merged, body };
}

function mergeGroup(group: TraceCreateEvent[], explicitFieldsSeen: ReadonlySet<string> | undefined): TraceCreateEvent | undefined {
  let explicit: TraceCreateEvent[] | undefined;
  let defaults: TraceCreateEvent[] | undefined;
  for (const event of group) {
    if (isTraceDefaults(event)) (defaults ??= []).push(event);
    else (explicit ??= []).push(event);
  }
  const main = explicit === undefined ? undefined : explicit.length === 1 ? explicit[0]! : merge(explicit);
  if (defaults === undefined) return main;
  const rest = remainingDefaults(defaults, explicitFieldsSeen, main?.body);
  if (main === undefined || rest === undefined) return main ?? rest;
  return { ...main, body: { ...rest.body, ...main.body } };
}

/**
 * At most one trace-create per trace id in a batch: all of a trace's trace-creates merged into one (as the
 * server would merge them), placed where the first was. A root's fallback values (its `-trace-defaults` event) only
 * fill fields no span of the batch, nor `explicitFieldsSeen` from earlier batches, set explicitly. Other events keep
 * their order. Inputs are not mutated.
 */
export function mergeTraceCreates(
  events: IngestionEvent[],
  explicitFieldsSeen?: (traceId: string) => ReadonlySet<string> | undefined,
): IngestionEvent[] {
  let byTrace: Map<string, TraceCreateEvent[]> | undefined;
  let needsWork = false;
  for (const event of events) {
    if (event.type !== 'trace-create') continue;
    byTrace ??= new Map();
    const group = byTrace.get(event.body.id);
    if (group === undefined) byTrace.set(event.body.id, [event]);
    else group.push(event);
    needsWork ||= group !== undefined || isTraceDefaults(event);
  }
  if (!needsWork || byTrace === undefined) return events;

  const result: IngestionEvent[] = [];
  for (const event of events) {
    if (event.type !== 'trace-create') {
      result.push(event);
      continue;
    }
    const group = byTrace.get(event.body.id);
    if (group === undefined) continue; // already emitted
    const merged = mergeGroup(group, explicitFieldsSeen?.(event.body.id));
    if (merged !== undefined) result.push(merged);
    byTrace.delete(event.body.id);
  }
  return result;
}
