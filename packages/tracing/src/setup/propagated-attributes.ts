import type { Attributes, AttributeValue, Context } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/sdk-trace-base';
import { OBSERVATION_MODEL } from '../attribute-names.js';
import { OBSERVATION_KEY } from '../facade/context-keys.js';
import type { OpenObservation } from '../facade/open-observation.js';
import { propagatedScopeOf } from '../facade/propagate-attributes.js';
import { TRACER_NAME } from '../version.js';

/** Start attributes by which another instrumentation's span is an LLM call (a generation): a prompt link belongs there. */
const MODEL_KEYS = ['gen_ai.request.model', 'ai.model.id', 'llm.model_name', OBSERVATION_MODEL];

/**
 * Writes the trace-level attributes in effect where `span` starts onto it: those of the enclosing `langfuse.trace()`
 * (its user, session, tags, metadata, ...) and of `propagateAttributes` scopes, so spans of other instrumentation
 * (the Vercel AI SDK, OpenLLMetry) carry them too. A key the span set itself is kept. The facade's own spans are
 * left alone: the facade writes them as it starts each observation.
 */
export function applyPropagatedAttributes(span: Span, parentContext: Context): void {
  // The facade's own spans first: the most common case, decided without a context lookup.
  if (span.instrumentationScope?.name === TRACER_NAME) return;
  const scope = propagatedScopeOf(parentContext);
  const trace = (parentContext.getValue(OBSERVATION_KEY) as OpenObservation | undefined)?.scope?.propagated;
  if (scope === undefined && trace === undefined) return;
  const own = span.attributes;
  // The trace's own fields first: they win over an outer propagateAttributes scope.
  if (trace !== undefined) writeMissing(span, own, trace);
  if (scope === undefined) return;
  writeMissing(span, own, scope.attributes);
  if (scope.generationAttributes !== undefined && MODEL_KEYS.some((key) => own[key] !== undefined)) writeMissing(span, own, scope.generationAttributes);
}

function writeMissing(span: Span, own: Attributes, attributes: Attributes): void {
  for (const key in attributes) {
    const value: AttributeValue | undefined = attributes[key];
    if (value !== undefined && own[key] === undefined) span.setAttribute(key, value);
  }
}
