import type { IngestionEvent, TraceBody, TraceCreateEvent } from '../ingestion-event.js';
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
  // The root's envelope id: it is the contributor that started first (the one with the earliest trace timestamp).
  let idSource = contributors[0]!;
  for (const event of contributors) {
    const start = event.body.timestamp;
    if (start === undefined) continue;
    const best = idSource.body.timestamp;
    if (best === undefined || compareTimestamps(start, best) < 0) idSource = event;
  }
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

/** A root's fallback values, minus every field some span set explicitly; undefined when nothing is left. */
function remainingDefaults(defaults: TraceCreateEvent[], explicitly: ReadonlySet<string>): TraceCreateEvent | undefined {
  const merged = defaults.length === 1 ? defaults[0]! : merge(defaults);
  const body: TraceBody = { id: merged.body.id };
  for (const field of traceFieldsOf(merged.body)) {
    if (!explicitly.has(field)) (body as unknown as Record<string, unknown>)[field] = (merged.body as unknown as Record<string, unknown>)[field];
  }
  return traceFieldsOf(body).length === 0 ? undefined : { ...merged, body };
}

function mergeGroup(group: TraceCreateEvent[], explicitFieldsSeen: ReadonlySet<string> | undefined): TraceCreateEvent | undefined {
  const explicit = group.filter((event) => !isTraceDefaults(event));
  const defaults = group.filter(isTraceDefaults);
  const main = explicit.length === 0 ? undefined : explicit.length === 1 ? explicit[0]! : merge(explicit);
  if (defaults.length === 0) return main;
  const explicitly = new Set([...(explicitFieldsSeen ?? []), ...(main ? traceFieldsOf(main.body) : [])]);
  const rest = remainingDefaults(defaults, explicitly);
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
