import { isReadable, safeRead } from '../values/safe-read.js';

// Readers of a user's options and update objects. Each field is read once, by name: every property in a
// destructuring has an inline cache of its own, which stays fast for the few object shapes a program passes
// (one shared `safeRead(object, key)` sees every shape and every key, and is slow for all of them). A getter or
// Proxy trap that throws sends the whole object through `safeRead`, so one bad field does not cost the others.

/** `ObservationFields` and `GenerationFields`, as read. */
export interface ObservationFieldValues {
  readonly input: unknown;
  readonly output: unknown;
  readonly metadata: unknown;
  readonly level: unknown;
  readonly statusMessage: unknown;
  readonly version: unknown;
  readonly environment: unknown;
  readonly model: unknown;
  readonly modelParameters: unknown;
  readonly usage: unknown;
  readonly cost: unknown;
  readonly completionStartTime: unknown;
  readonly prompt: unknown;
}

/** `TraceFields`, as read. */
export interface TraceFieldValues {
  readonly name: unknown;
  readonly userId: unknown;
  readonly sessionId: unknown;
  readonly tags: unknown;
  readonly metadata: unknown;
  readonly input: unknown;
  readonly output: unknown;
  readonly release: unknown;
  readonly version: unknown;
  readonly environment: unknown;
  readonly public: unknown;
}

/** What starting an observation reads besides its fields. */
export interface StartFieldValues {
  readonly name: unknown;
  readonly startTime: unknown;
}

const OBSERVATION_KEYS: readonly (keyof ObservationFieldValues)[] = [
  'input',
  'output',
  'metadata',
  'level',
  'statusMessage',
  'version',
  'environment',
  'model',
  'modelParameters',
  'usage',
  'cost',
  'completionStartTime',
  'prompt',
];

const TRACE_KEYS: readonly (keyof TraceFieldValues)[] = [
  'name',
  'userId',
  'sessionId',
  'tags',
  'metadata',
  'input',
  'output',
  'release',
  'version',
  'environment',
  'public',
];

const START_KEYS: readonly (keyof StartFieldValues)[] = ['name', 'startTime'];

export function readObservationFields(fields: object): ObservationFieldValues {
  try {
    const { input, output, metadata, level, statusMessage, version, environment, model, modelParameters, usage, cost, completionStartTime, prompt } =
      fields as Partial<ObservationFieldValues>;
    return { input, output, metadata, level, statusMessage, version, environment, model, modelParameters, usage, cost, completionStartTime, prompt };
  } catch {
    return readEach(fields, OBSERVATION_KEYS);
  }
}

/** Reads objects and functions, as `safeRead` does; anything else has no fields. */
export function readTraceFields(fields: unknown): TraceFieldValues {
  if (!isReadable(fields)) return readEach(fields, TRACE_KEYS);
  try {
    const { name, userId, sessionId, tags, metadata, input, output, release, version, environment, public: isPublic } = fields as Partial<TraceFieldValues>;
    return { name, userId, sessionId, tags, metadata, input, output, release, version, environment, public: isPublic };
  } catch {
    return readEach(fields, TRACE_KEYS);
  }
}

/** Reads objects and functions, as `safeRead` does; anything else has no fields. */
export function readStartFields(options: unknown): StartFieldValues {
  if (!isReadable(options)) return readEach(options, START_KEYS);
  try {
    const { name, startTime } = options as Partial<StartFieldValues>;
    return { name, startTime };
  } catch {
    return readEach(options, START_KEYS);
  }
}

function readEach<K extends string>(object: unknown, keys: readonly K[]): Record<K, unknown> {
  const values = {} as Record<K, unknown>;
  for (const key of keys) values[key] = safeRead(object, key);
  return values;
}
