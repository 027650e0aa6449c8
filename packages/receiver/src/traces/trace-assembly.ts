import { isObservationEventType } from '../events/event-types.js';
import type { StoredEvent } from '../events/stored-event.js';
import { parseTimeMs } from './trace-time.js';

// Builds the view of a trace a Langfuse server would store from the events the receiver accepted, with the
// server's merge rules (worker IngestionService + overwriteObject):
// - the events of one entity (trace, observation or score id) are applied batch by batch (the server merges each
//   batch it processes into the record stored before: what came in an earlier request is processed first), within
//   a batch in envelope-timestamp order; at equal timestamps a `*-create` comes before an update, otherwise arrival
//   order;
// - a field that is absent (undefined) never overwrites; null clears; an empty object ({}) never overwrites;
// - id, timestamp/startTime and environment are immutable: the first value set wins;
// - metadata is deep-merged (objects key by key; arrays and other values replaced); a non-object metadata value
//   counts as `{ metadata: value }`;
// - tags are unioned and sorted;
// - a trace-create without `public` stores the trace as not public (the server writes `public ?? false`);
// - input and output are the last truthy value;
// - an observation's level defaults to DEFAULT, an end time before the start time becomes the start time;
// - usage: the legacy `usage` object and `usageDetails` combined per event, `total` added as the sum when missing;
//   cost: `costDetails` (and legacy `usage.*Cost`), `total` = input + output when only those are given.
// Unlike the server, metadata values are kept as JSON (the server turns them into strings) and no model price
// lookup or tokenisation happens.

export type ObservationType =
  | 'span'
  | 'generation'
  | 'event'
  | 'agent'
  | 'tool'
  | 'chain'
  | 'retriever'
  | 'evaluator'
  | 'embedding'
  | 'guardrail';

export type ObservationLevel = 'DEBUG' | 'DEFAULT' | 'WARNING' | 'ERROR';

export interface AssembledTraceRecord {
  id: string;
  name?: string;
  userId?: string;
  sessionId?: string;
  /** Unioned over all trace-create events, sorted. */
  tags: string[];
  /** Deep-merged; {} when none. */
  metadata: Record<string, unknown>;
  input?: unknown;
  output?: unknown;
  release?: string;
  version?: string;
  /** 'default' when no event set one, as on the server. */
  environment: string;
  public: boolean;
  /** The first trace-create's `body.timestamp` (or its envelope timestamp); undefined when no trace-create arrived. */
  timestamp?: string;
}

export interface AssembledObservation {
  id: string;
  traceId: string;
  type: ObservationType;
  name?: string;
  parentObservationId?: string;
  startTime: string;
  /** Undefined while the observation has not ended (and always for events). */
  endTime?: string;
  completionStartTime?: string;
  /** endTime - startTime in milliseconds (fraction kept); 0 for events; undefined while not ended. */
  durationMs?: number;
  level: ObservationLevel;
  statusMessage?: string;
  version?: string;
  environment: string;
  model?: string;
  modelParameters?: Record<string, unknown>;
  /** {} when none. */
  usageDetails: Record<string, unknown>;
  /** {} when none. */
  costDetails: Record<string, number>;
  promptName?: string;
  promptVersion?: number;
  input?: unknown;
  output?: unknown;
  metadata: Record<string, unknown>;
}

export interface AssembledScore {
  id: string;
  traceId: string;
  observationId?: string;
  name: string;
  value: number | string;
  dataType?: string;
  comment?: string;
  configId?: string;
  environment: string;
  metadata: Record<string, unknown>;
  timestamp: string;
}

export interface AssembledTrace {
  id: string;
  trace: AssembledTraceRecord;
  /** Sorted by start time, then by first arrival. */
  observations: AssembledObservation[];
  /** The trace's scores (score-create with this traceId), sorted by timestamp. */
  scores: AssembledScore[];
  /** The earliest observation start (the trace timestamp when there are no observations). */
  startTime?: string;
  /** The latest observation end (or start, for events and open observations). */
  endTime?: string;
  /** endTime - startTime in milliseconds; 0 when unknown. */
  durationMs: number;
  /** Stored events that went into this view (trace-creates, observation events and scores). */
  eventCount: number;
}

/** The trace an event belongs to: a trace-create's own id, an observation's or score's traceId. */
export function traceIdOfEvent(event: Pick<StoredEvent, 'type' | 'body'>): string | undefined {
  if (event.type === 'trace-create') return nonEmptyString(event.body.id);
  if (isObservationEventType(event.type) || event.type === 'score-create') return nonEmptyString(event.body.traceId);
  return undefined;
}

/** Which request an event came in (ascending); events of a lower batch were processed first. */
export type BatchOf = (event: StoredEvent) => number | undefined;

/** Every trace with a trace-create or an observation, in order of first arrival. Scores alone make no trace. */
export function assembleTraces(events: readonly StoredEvent[], batchOf?: BatchOf): AssembledTrace[] {
  const groups = new Map<string, Indexed[]>();
  events.forEach((event, index) => {
    const traceId = traceIdOfEvent(event);
    if (traceId === undefined) return;
    let group = groups.get(traceId);
    if (!group) groups.set(traceId, (group = []));
    group.push({ event, index, batch: batchOf?.(event) ?? 0 });
  });
  const traces: AssembledTrace[] = [];
  for (const [traceId, group] of groups) {
    const trace = assembleGroup(traceId, group);
    if (trace) traces.push(trace);
  }
  return traces;
}

/** One trace; undefined when no trace-create or observation of it is among the events. */
export function assembleTrace(events: readonly StoredEvent[], traceId: string, batchOf?: BatchOf): AssembledTrace | undefined {
  const group: Indexed[] = [];
  events.forEach((event, index) => {
    if (traceIdOfEvent(event) === traceId) group.push({ event, index, batch: batchOf?.(event) ?? 0 });
  });
  return assembleGroup(traceId, group);
}

export interface ObservationNode {
  observation: AssembledObservation;
  /** 0 for top-level observations. */
  depth: number;
  /** Sorted by start time, then by first arrival. */
  children: ObservationNode[];
}

/**
 * The observations as a forest. An observation whose parent is not among the trace's observations (not sent
 * yet, in another system, or part of a cycle) is top level.
 */
export function observationTree(trace: Pick<AssembledTrace, 'observations'>): ObservationNode[] {
  const byId = new Map(trace.observations.map((observation) => [observation.id, observation]));
  const children = new Map<string, AssembledObservation[]>();
  const roots: AssembledObservation[] = [];
  for (const observation of trace.observations) {
    const parent = observation.parentObservationId;
    if (parent !== undefined && parent !== observation.id && byId.has(parent)) {
      let siblings = children.get(parent);
      if (!siblings) children.set(parent, (siblings = []));
      siblings.push(observation);
    } else {
      roots.push(observation);
    }
  }
  const placed = new Set<string>();
  const build = (observation: AssembledObservation, depth: number): ObservationNode => {
    placed.add(observation.id);
    const kids = (children.get(observation.id) ?? []).filter((child) => !placed.has(child.id));
    return { observation, depth, children: kids.map((child) => build(child, depth + 1)) };
  };
  // trace.observations is already in start-time order, so children and roots keep that order.
  const forest = roots.map((root) => build(root, 0));
  // Observations on a parent cycle are reachable from no root: show them at top level too.
  for (const observation of trace.observations) {
    if (!placed.has(observation.id)) forest.push(build(observation, 0));
  }
  return forest;
}

/** Whether every top-level observation has ended (events count as ended). True for a trace without observations. */
export function topLevelObservationsEnded(trace: Pick<AssembledTrace, 'observations'>): boolean {
  return observationTree(trace).every(({ observation }) => observation.type === 'event' || observation.endTime !== undefined);
}

// ---------------------------------------------------------------------------------------------------------------

interface Indexed {
  event: StoredEvent;
  index: number;
  batch: number;
}

type Fields = Record<string, unknown>;

function assembleGroup(traceId: string, group: readonly Indexed[]): AssembledTrace | undefined {
  const traceEvents: Indexed[] = [];
  const observationEvents = new Map<string, Indexed[]>();
  const scoreEvents = new Map<string, Indexed[]>();
  for (const item of group) {
    const { event } = item;
    if (event.type === 'trace-create') traceEvents.push(item);
    else {
      const entities = event.type === 'score-create' ? scoreEvents : observationEvents;
      const list = entities.get(event.body.id);
      if (list) list.push(item);
      else entities.set(event.body.id, [item]);
    }
  }
  if (traceEvents.length === 0 && observationEvents.size === 0) return undefined;

  const observations: { observation: AssembledObservation; startMs: number; first: number }[] = [];
  for (const [id, list] of observationEvents) {
    const sorted = sortEntityEvents(list);
    const observation = mergeObservation(id, traceId, sorted);
    if (observation) observations.push({ observation, startMs: parseTimeMs(observation.startTime) ?? 0, first: list[0]?.index ?? 0 });
  }
  observations.sort((a, b) => a.startMs - b.startMs || a.first - b.first);

  const scores = [...scoreEvents].map(([id, list]) => mergeScore(id, traceId, sortEntityEvents(list)));
  scores.sort((a, b) => (parseTimeMs(a.timestamp) ?? 0) - (parseTimeMs(b.timestamp) ?? 0));

  const trace = mergeTrace(traceId, sortEntityEvents(traceEvents));
  const assembled: AssembledTrace = {
    id: traceId,
    trace,
    observations: observations.map((entry) => entry.observation),
    scores,
    durationMs: 0,
    eventCount: group.length,
  };
  setTimeSpan(assembled);
  return assembled;
}

function setTimeSpan(assembled: AssembledTrace): void {
  let start: { text: string; ms: number } | undefined;
  let end: { text: string; ms: number } | undefined;
  for (const observation of assembled.observations) {
    const startMs = parseTimeMs(observation.startTime);
    if (startMs !== undefined && (start === undefined || startMs < start.ms)) start = { text: observation.startTime, ms: startMs };
    const last = observation.endTime ?? observation.startTime;
    const lastMs = parseTimeMs(last);
    if (lastMs !== undefined && (end === undefined || lastMs > end.ms)) end = { text: last, ms: lastMs };
  }
  if (start === undefined && assembled.trace.timestamp !== undefined) {
    const ms = parseTimeMs(assembled.trace.timestamp);
    if (ms !== undefined) start = end = { text: assembled.trace.timestamp, ms };
  }
  if (start) assembled.startTime = start.text;
  if (end) assembled.endTime = end.text;
  assembled.durationMs = start && end ? Math.max(0, end.ms - start.ms) : 0;
}

/** Batch order, then envelope-timestamp order; at equal times a `*-create` first (as the server sorts), then arrival order. */
function sortEntityEvents(list: readonly Indexed[]): StoredEvent[] {
  return list
    .map((item) => ({ ...item, ms: parseTimeMs(item.event.timestamp) ?? 0, create: item.event.type.endsWith('-create') ? 0 : 1 }))
    .sort((a, b) => a.batch - b.batch || a.ms - b.ms || a.create - b.create || a.index - b.index)
    .map((item) => item.event);
}

/** Field-by-field merge state: set() follows "undefined never overwrites, null clears, {} never overwrites". */
class Merged {
  private readonly values: Fields = {};
  metadata: Record<string, unknown> = {};

  set(key: string, value: unknown): void {
    if (value === undefined) return;
    if (isPlainObject(value) && Object.keys(value).length === 0) return;
    this.values[key] = value;
  }

  /** Immutable fields: the first value set (not undefined or null) wins. */
  setOnce(key: string, value: unknown): void {
    if (value === undefined || value === null) return;
    if (this.values[key] !== undefined && this.values[key] !== null) return;
    this.values[key] = value;
  }

  mergeMetadata(value: unknown): void {
    if (value === undefined || value === null) return;
    this.metadata = deepMerge(this.metadata, isPlainObject(value) ? value : { metadata: value });
  }

  string(key: string): string | undefined {
    const value = this.values[key];
    return typeof value === 'string' ? value : undefined;
  }

  number(key: string): number | undefined {
    const value = this.values[key];
    return typeof value === 'number' ? value : undefined;
  }

  object(key: string): Record<string, unknown> | undefined {
    const value = this.values[key];
    return isPlainObject(value) ? value : undefined;
  }

  raw(key: string): unknown {
    return this.values[key];
  }
}

/** The last truthy value in sorted order, as the server picks trace and observation input/output. */
function lastTruthy(events: readonly StoredEvent[], key: 'input' | 'output'): unknown {
  for (let i = events.length - 1; i >= 0; i--) {
    const value = events[i]?.body[key];
    if (value) return value;
  }
  return undefined;
}

function mergeTrace(id: string, events: readonly StoredEvent[]): AssembledTraceRecord {
  const merged = new Merged();
  const tags = new Set<string>();
  for (const { body, timestamp } of events) {
    merged.setOnce('timestamp', typeof body.timestamp === 'string' ? body.timestamp : timestamp);
    merged.setOnce('environment', body.environment);
    for (const key of ['name', 'userId', 'sessionId', 'release', 'version'] as const) merged.set(key, body[key]);
    merged.set('public', body.public === true);
    if (Array.isArray(body.tags)) for (const tag of body.tags) if (typeof tag === 'string') tags.add(tag);
    merged.mergeMetadata(body.metadata);
  }
  return withoutUndefined({
    id,
    name: merged.string('name'),
    userId: merged.string('userId'),
    sessionId: merged.string('sessionId'),
    tags: [...tags].sort(),
    metadata: merged.metadata,
    input: lastTruthy(events, 'input'),
    output: lastTruthy(events, 'output'),
    release: merged.string('release'),
    version: merged.string('version'),
    environment: merged.string('environment') ?? 'default',
    public: merged.raw('public') === true,
    timestamp: merged.string('timestamp'),
  });
}

const OBSERVATION_STRING_FIELDS = [
  'name',
  'parentObservationId',
  'endTime',
  'completionStartTime',
  'level',
  'statusMessage',
  'version',
  'model',
  'promptName',
] as const;

function mergeObservation(id: string, traceId: string, events: readonly StoredEvent[]): AssembledObservation | undefined {
  const first = events[0];
  if (!first) return undefined;
  const type = observationTypeOf(first.type);
  const merged = new Merged();
  for (const { body, timestamp } of events) {
    merged.setOnce('startTime', typeof body.startTime === 'string' ? body.startTime : timestamp);
    merged.setOnce('environment', body.environment);
    for (const key of OBSERVATION_STRING_FIELDS) merged.set(key, body[key]);
    merged.set('promptVersion', body.promptVersion);
    merged.set('modelParameters', body.modelParameters);
    merged.set('usageDetails', providedUsage(body));
    merged.set('costDetails', providedCost(body));
    merged.mergeMetadata(body.metadata);
  }
  const startTime = merged.string('startTime') ?? first.timestamp;
  let endTime = type === 'event' ? undefined : merged.string('endTime');
  const startMs = parseTimeMs(startTime);
  let endMs = parseTimeMs(endTime);
  if (startMs !== undefined && endMs !== undefined && endMs < startMs) {
    endTime = startTime;
    endMs = startMs;
  }
  const level = merged.string('level');
  return withoutUndefined({
    id,
    traceId,
    type,
    name: merged.string('name'),
    parentObservationId: merged.string('parentObservationId'),
    startTime,
    endTime,
    completionStartTime: merged.string('completionStartTime'),
    durationMs: type === 'event' ? 0 : startMs !== undefined && endMs !== undefined ? endMs - startMs : undefined,
    level: isLevel(level) ? level : 'DEFAULT',
    statusMessage: merged.string('statusMessage'),
    version: merged.string('version'),
    environment: merged.string('environment') ?? 'default',
    model: merged.string('model'),
    modelParameters: merged.object('modelParameters'),
    usageDetails: withTotalUsage(merged.object('usageDetails') ?? {}),
    costDetails: withTotalCost((merged.object('costDetails') ?? {}) as Record<string, number>),
    promptName: merged.string('promptName'),
    promptVersion: merged.number('promptVersion'),
    input: lastTruthy(events, 'input'),
    output: lastTruthy(events, 'output'),
    metadata: merged.metadata,
  });
}

function mergeScore(id: string, traceId: string, events: readonly StoredEvent[]): AssembledScore {
  const merged = new Merged();
  for (const { body, timestamp } of events) {
    merged.setOnce('timestamp', typeof body.timestamp === 'string' ? body.timestamp : timestamp);
    merged.setOnce('environment', body.environment);
    for (const key of ['name', 'value', 'dataType', 'comment', 'configId', 'observationId'] as const) merged.set(key, body[key]);
    merged.mergeMetadata(body.metadata);
  }
  const value = merged.raw('value');
  return withoutUndefined({
    id,
    traceId,
    observationId: merged.string('observationId'),
    name: merged.string('name') ?? '',
    value: typeof value === 'number' || typeof value === 'string' ? value : '',
    dataType: merged.string('dataType'),
    comment: merged.string('comment'),
    configId: merged.string('configId'),
    environment: merged.string('environment') ?? 'default',
    metadata: merged.metadata,
    timestamp: merged.string('timestamp') ?? events[0]?.timestamp ?? '',
  });
}

/** One event's usage: the legacy `usage` counts, then `usageDetails` on top (null entries left out). */
function providedUsage(body: Fields): Fields | undefined {
  const usage = isPlainObject(body.usage) ? body.usage : {};
  const details = isPlainObject(body.usageDetails) ? body.usageDetails : {};
  const provided: Fields = {};
  const input = finiteNumber(usage.input);
  const output = finiteNumber(usage.output);
  let total = finiteNumber(usage.total);
  if (total === undefined && Object.keys(details).length === 0) {
    total = input !== undefined && output !== undefined ? input + output : (input ?? output);
  }
  if (input !== undefined) provided.input = input;
  if (output !== undefined) provided.output = output;
  if (total !== undefined) provided.total = total;
  for (const [key, value] of Object.entries(details)) {
    if (value !== null && value !== undefined && key !== '__proto__') provided[key] = value;
  }
  return Object.keys(provided).length > 0 ? provided : undefined;
}

function providedCost(body: Fields): Fields | undefined {
  const usage = isPlainObject(body.usage) ? body.usage : {};
  const details = isPlainObject(body.costDetails) ? body.costDetails : {};
  const provided: Fields = {};
  const legacy = { input: usage.inputCost, output: usage.outputCost, total: usage.totalCost };
  for (const [key, value] of Object.entries(legacy)) {
    const n = finiteNumber(value);
    if (n !== undefined) provided[key] = n;
  }
  for (const [key, value] of Object.entries(details)) {
    const n = finiteNumber(value);
    if (n !== undefined && key !== '__proto__') provided[key] = n;
  }
  return Object.keys(provided).length > 0 ? provided : undefined;
}

/** `total` = the sum of the counts when missing, for flat usage (an OpenAI-shaped one has total_tokens). */
function withTotalUsage(usage: Fields): Fields {
  const values = Object.values(usage);
  if (values.length === 0 || 'total' in usage || 'total_tokens' in usage) return usage;
  if (!values.every((value) => typeof value === 'number')) return usage;
  return { ...usage, total: (values as number[]).reduce((sum, value) => sum + value, 0) };
}

function withTotalCost(cost: Record<string, number>): Record<string, number> {
  const keys = Object.keys(cost);
  if (keys.length === 0 || 'total' in cost || !keys.every((key) => key === 'input' || key === 'output')) return cost;
  return { ...cost, total: (cost.input ?? 0) + (cost.output ?? 0) };
}

function observationTypeOf(eventType: string): ObservationType {
  const prefix = eventType.replace(/-(create|update)$/, '');
  switch (prefix) {
    case 'span':
    case 'generation':
    case 'event':
    case 'agent':
    case 'tool':
    case 'chain':
    case 'retriever':
    case 'evaluator':
    case 'embedding':
    case 'guardrail':
      return prefix;
    default:
      return 'span';
  }
}

function isLevel(value: unknown): value is ObservationLevel {
  return value === 'DEBUG' || value === 'DEFAULT' || value === 'WARNING' || value === 'ERROR';
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined || key === '__proto__') continue;
    const existing = out[key];
    out[key] = isPlainObject(value) && isPlainObject(existing) ? deepMerge(existing, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Drops the keys whose value is undefined, so JSON and toEqual see the same object. */
function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
