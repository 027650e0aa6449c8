import { context } from '@opentelemetry/api';
import { log } from '../logger.js';
import { safeRead, stringField } from '../values/safe-read.js';
import { failAndEnd, settleResult } from './settle-result.js';
import { startObservation, type Observation } from './observation.js';
import { isStream, traceStream } from './trace-stream.js';
import type { GenerationFields, ObservationType } from './types.js';

/** Options of {@link observe}. */
export interface ObserveOptions extends Omit<GenerationFields, 'input' | 'output'> {
  /** Observation name. Default: the function's name, else `anonymous`. */
  name?: string;
  /** Default `span`. */
  type?: ObservationType;
  /** Record the arguments as input: one argument as it is, several as an array, none as nothing. Default true. */
  captureInput?: boolean;
  /**
   * Record the result as output: the return value, the resolved value, or for a stream what it yielded (text
   * chunks joined into one string, other items as an array, both bounded). Default true.
   */
  captureOutput?: boolean;
}

/**
 * Wraps `fn` so that every call is an observation (a child of the active one, else a new trace), with the same
 * signature, `this` and result. A returned Promise ends the observation when it settles (see `settleResult`
 * for Promise subclasses and other thenables); a returned generator or async iterable (also as the value of a
 * Promise) ends it when iteration completes, fails or is closed early, so an iterable that is never iterated
 * leaves its observation open. Errors are recorded and reach the caller unchanged.
 */
export function observe<F extends (...args: never[]) => unknown>(fn: F, options: ObserveOptions = {}): F {
  if (typeof fn !== 'function') {
    log.once('warn', 'observe-not-a-function', 'observe() needs a function; returned the value unchanged');
    return fn;
  }
  const settings = readSettings(fn, options);
  const target = fn as unknown as (...args: unknown[]) => unknown;
  const observed = function (this: unknown, ...args: unknown[]): unknown {
    const input = settings.captureInput ? (args.length === 0 ? undefined : args.length === 1 ? args[0] : args) : undefined;
    const observation = startObservation({
      type: undefined,
      // Object.assign, not a spread: V8 gives a spread copy a map of its own, so each key added after it costs a new map.
      options: Object.assign({}, settings.fields, { type: settings.type, name: settings.name, input }),
      parent: undefined,
      trace: false,
    });
    if (observation.isNoop) return target.apply(this, args);
    let result: unknown;
    try {
      result = context.with(observation.context, () => target.apply(this, args));
    } catch (error) {
      failAndEnd(observation, error);
      throw error;
    }
    return settleResult(observation, result, (value, replaceable) => complete(observation, value, replaceable, settings.captureOutput));
  };
  try {
    Object.defineProperty(observed, 'name', { value: fn.name, configurable: true });
    Object.defineProperty(observed, 'length', { value: fn.length, configurable: true });
  } catch {
    // a frozen or exotic function: the wrapper keeps its own name
  }
  return observed as unknown as F;
}

interface Settings {
  name: string;
  /** As given; validated when the observation starts. */
  type: unknown;
  captureInput: boolean;
  captureOutput: boolean;
  fields: Record<string, unknown>;
}

const FIELD_NAMES = ['metadata', 'level', 'statusMessage', 'version', 'environment', 'model', 'modelParameters', 'usage', 'cost', 'completionStartTime', 'prompt'];

/** Read once, when wrapping: a call never touches the options object again. */
function readSettings(fn: { name: string }, options: unknown): Settings {
  const fields: Record<string, unknown> = {};
  for (const key of FIELD_NAMES) {
    const value = safeRead(options, key);
    if (value !== undefined) fields[key] = value;
  }
  let fnName: string | undefined;
  try {
    fnName = stringField(fn.name);
  } catch {
    fnName = undefined;
  }
  return {
    name: stringField(safeRead(options, 'name')) ?? fnName ?? 'anonymous',
    type: safeRead(options, 'type'),
    captureInput: safeRead(options, 'captureInput') !== false,
    captureOutput: safeRead(options, 'captureOutput') !== false,
    fields,
  };
}

function complete(observation: Observation, value: unknown, replaceable: boolean, captureOutput: boolean): unknown {
  if (isStream(value)) return traceStream(value, observation, captureOutput, replaceable);
  observation.end(captureOutput && value !== undefined ? { output: value } : undefined);
  return value;
}
