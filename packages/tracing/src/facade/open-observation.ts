import type { Attributes, Context, TimeInput } from '@opentelemetry/api';
import type { FacadeConfig } from './facade-config.js';
import type { TraceScope } from './trace-scope.js';
import type { ObservationUpdate } from './types.js';

/**
 * What the helpers that run, settle, stream and update an observation need of it. The `Observation` class
 * implements it; the helpers import this instead of the class, so neither imports the other.
 */
export interface OpenObservation {
  readonly context: Context;
  readonly isNoop: boolean;
  readonly isRecording: boolean;
  readonly scope: TraceScope | undefined;
  readonly config: FacadeConfig | undefined;
  writeAttributes(attributes: Attributes): void;
  fail(error: unknown): void;
  end(fields?: ObservationUpdate, endTime?: TimeInput): void;
}
