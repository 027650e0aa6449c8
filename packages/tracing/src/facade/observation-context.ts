import { INVALID_SPAN_CONTEXT, trace, type Context, type Span } from '@opentelemetry/api';
import { OBSERVATION_KEY } from './context-keys.js';

/** The key under which the OTel API keeps a context's span, as the installed API spells it. */
const SPAN_KEY = spanKeyOfApi();

function spanKeyOfApi(): symbol | undefined {
  let key: symbol | undefined;
  const recorder: Context = {
    getValue: () => undefined,
    setValue(name) {
      key = name;
      return recorder;
    },
    deleteValue: () => recorder,
  };
  try {
    trace.setSpan(recorder, trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  } catch {
    return undefined;
  }
  return key;
}

/**
 * An observation's context: `base` with the observation's span active and the observation itself under
 * `OBSERVATION_KEY`. The API's contexts copy their whole Map (and make three closures) on every `setValue`,
 * which each observation would pay twice; this one keeps both values beside `base` instead. Any `setValue` or
 * `deleteValue` first writes the span into `base` the API's way, so what anyone reads stays the same.
 */
export class ObservationContext implements Context {
  private constructor(
    private readonly base: Context,
    /** Undefined: `base` holds the span (or its absence) itself. */
    private readonly span: Span | undefined,
    private readonly observation: unknown,
  ) {}

  /** `parent` with `span` active and `observation` as the facade's: the context an observation runs in. */
  static of(parent: Context, span: Span, observation: unknown): Context {
    // Inside an outer observation, its base: both of its own values are replaced.
    const base = parent instanceof ObservationContext ? parent.base : parent;
    if (SPAN_KEY === undefined) return new ObservationContext(trace.setSpan(base, span), undefined, observation);
    return new ObservationContext(base, span, observation);
  }

  getValue(key: symbol): unknown {
    if (key === OBSERVATION_KEY) return this.observation;
    if (key === SPAN_KEY && this.span !== undefined) return this.span;
    return this.base.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    if (key === OBSERVATION_KEY) return new ObservationContext(this.base, this.span, value);
    return new ObservationContext(this.withSpan().setValue(key, value), undefined, this.observation);
  }

  deleteValue(key: symbol): Context {
    // `base` may hold an outer observation under the key: that one must not show through either.
    if (key === OBSERVATION_KEY) return this.withSpan().deleteValue(key);
    return new ObservationContext(this.withSpan().deleteValue(key), undefined, this.observation);
  }

  private withSpan(): Context {
    return this.span === undefined ? this.base : trace.setSpan(this.base, this.span);
  }
}
