import type { DeadLetterIngestionRecord, DeadLetterOtlpRecord, DeadLetterRecord } from '../losses/dead-letter-record.js';
import * as names from '../mapping/attribute-names.js';
import { SDK_NAME, SDK_VERSION } from '../version.js';
import type { ObservationBody, ObservationCreateEvent, TraceBody } from '../wire/ingestion-event.js';

type OtlpValue = { stringValue: string } | { boolValue: boolean } | { intValue: number } | { doubleValue: number } | { arrayValue: { values: OtlpValue[] } };
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}

/**
 * Spooled legacy events made into OTLP spans, for a server that refuses traces on the legacy path (a Langfuse v4
 * server or Cloud, e.g. one the server was upgraded to during the outage). Each observation event becomes the span it
 * came from, with the `langfuse.*` attributes the server's OTLP mapping reads back into the same observation (same
 * trace and span ids, so a record sent twice is still stored once); a trace-create's fields go onto the span of its
 * root observation (else its trace's first one). Other events (scores, SDK logs: every server takes them on the
 * legacy path) are left as they are. Order is kept. `orphans` counts trace-creates with no span of their trace here.
 */
export function legacyToOtlp(records: readonly DeadLetterRecord[]): { records: DeadLetterRecord[]; orphans: number } {
  const traces = new Map<string, TraceBody>();
  for (const record of records) {
    if (record.path === 'ingestion' && record.event.type === 'trace-create') traces.set(record.event.body.id, record.event.body as TraceBody);
  }
  // The span that carries each trace's fields: its root observation, else its first one here.
  const carrier = new Map<string, string>();
  const rooted = new Set<string>();
  for (const record of records) {
    const event = observationOf(record);
    if (!event || !traces.has(event.body.traceId) || rooted.has(event.body.traceId)) continue;
    const { traceId, id, parentObservationId } = event.body;
    if (parentObservationId === undefined) {
      rooted.add(traceId);
      carrier.set(traceId, id);
    } else if (!carrier.has(traceId)) {
      carrier.set(traceId, id);
    }
  }
  const out: DeadLetterRecord[] = [];
  for (const record of records) {
    if (record.path !== 'ingestion') {
      out.push(record);
      continue;
    }
    if (record.event.type === 'trace-create') continue;
    const event = observationOf(record);
    if (!event) {
      out.push(record);
      continue;
    }
    const trace = carrier.get(event.body.traceId) === event.body.id ? traces.get(event.body.traceId) : undefined;
    out.push(otlpRecord(record, event, trace));
  }
  const orphans = [...traces.keys()].filter((traceId) => !carrier.has(traceId)).length;
  return { records: out, orphans };
}

function observationOf(record: DeadLetterRecord): ObservationCreateEvent | undefined {
  if (record.path !== 'ingestion') return undefined;
  const type = record.event.type;
  if (type === 'trace-create' || type === 'score-create' || (type as string) === 'sdk-log') return undefined;
  return record.event as ObservationCreateEvent;
}

function otlpRecord(record: DeadLetterIngestionRecord, event: ObservationCreateEvent, trace: TraceBody | undefined): DeadLetterOtlpRecord {
  const body = event.body;
  const attributes: OtlpAttribute[] = [];
  const put = (key: string, value: unknown) => {
    const converted = attributeValue(value);
    if (converted) attributes.push({ key, value: converted });
  };
  put(names.OBSERVATION_TYPE, event.type.slice(0, -'-create'.length));
  observationAttributes(body, put);
  if (trace) traceAttributes(trace, put);
  const start = body.startTime ?? event.timestamp;
  const span = {
    traceId: body.traceId,
    spanId: body.id,
    ...(body.parentObservationId !== undefined && { parentSpanId: body.parentObservationId }),
    name: body.name ?? '',
    kind: 1,
    startTimeUnixNano: nanos(start),
    endTimeUnixNano: nanos(body.endTime ?? start),
    attributes,
    status: body.level === 'ERROR' ? { code: 2, ...(body.statusMessage !== undefined && { message: body.statusMessage }) } : { code: 0 },
  };
  return {
    v: record.v,
    time: record.time,
    reason: record.reason,
    path: 'otlp',
    traceId: body.traceId,
    spanId: body.id,
    otlp: { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: SDK_NAME, version: SDK_VERSION }, spans: [span] }] }] },
  };
}

function observationAttributes(body: ObservationBody, put: (key: string, value: unknown) => void): void {
  put(names.OBSERVATION_INPUT, json(body.input));
  put(names.OBSERVATION_OUTPUT, json(body.output));
  put(names.OBSERVATION_METADATA, json(body.metadata));
  put(names.OBSERVATION_LEVEL, body.level);
  put(names.OBSERVATION_STATUS_MESSAGE, body.statusMessage);
  put(names.VERSION, body.version);
  put(names.ENVIRONMENT, body.environment);
  put(names.OBSERVATION_COMPLETION_START_TIME, body.completionStartTime);
  put(names.OBSERVATION_MODEL, body.model);
  put(names.OBSERVATION_MODEL_PARAMETERS, json(body.modelParameters));
  put(names.OBSERVATION_USAGE_DETAILS, json(body.usageDetails));
  put(names.OBSERVATION_COST_DETAILS, json(body.costDetails));
  put(names.OBSERVATION_PROMPT_NAME, body.promptName);
  put(names.OBSERVATION_PROMPT_VERSION, body.promptVersion);
}

function traceAttributes(trace: TraceBody, put: (key: string, value: unknown) => void): void {
  put(names.TRACE_NAME, trace.name);
  put(names.USER_ID, trace.userId);
  put(names.SESSION_ID, trace.sessionId);
  put(names.TRACE_INPUT, json(trace.input));
  put(names.TRACE_OUTPUT, json(trace.output));
  put(names.TRACE_METADATA, json(trace.metadata));
  put(names.TRACE_TAGS, trace.tags);
  put(names.TRACE_PUBLIC, trace.public);
  put(names.RELEASE, trace.release);
  if (trace.version !== undefined) put(names.VERSION, trace.version);
  if (trace.environment !== undefined) put(names.ENVIRONMENT, trace.environment);
}

/** A value as the JSON-string attribute the mapping parses back (plain text stays text); undefined stays absent. */
function json(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function attributeValue(value: unknown): OtlpValue | undefined {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number' && Number.isFinite(value)) return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
  if (Array.isArray(value)) {
    const values = value.map(attributeValue).filter((v): v is OtlpValue => v !== undefined);
    return { arrayValue: { values } };
  }
  return undefined;
}

/** An ISO time as OTLP's nanoseconds since the epoch (a decimal string, as OTLP/JSON writes 64-bit integers). */
function nanos(iso: string | undefined): string {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  if (!Number.isFinite(ms)) return '0';
  const micros = /\.\d{4,6}/.exec(iso!)?.[0].slice(4).padEnd(3, '0') ?? '000';
  return `${BigInt(ms) * 1_000_000n + BigInt(micros) * 1_000n}`;
}
