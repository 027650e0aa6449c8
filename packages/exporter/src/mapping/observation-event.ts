import type { ObservationBody, ObservationCreateEvent } from '../ingestion-event.js';
import {
  OBSERVATION_COMPLETION_START_TIME,
  OBSERVATION_COST_DETAILS,
  OBSERVATION_METADATA,
  OBSERVATION_MODEL_PARAMETERS,
  OBSERVATION_PROMPT_NAME,
  OBSERVATION_PROMPT_VERSION,
  OBSERVATION_USAGE_DETAILS,
} from './attribute-names.js';
import { applyMask } from './mask.js';
import type { SpanMappingContext } from './mapping-context.js';
import { addDebugContext, readMetadata, toMetadataRecord } from './metadata.js';
import { normalizeCompletionStartTime } from './normalize-completion-start-time.js';
import { limitName } from './normalize-length.js';
import { normalizeModelParameters } from './normalize-model-parameters.js';
import { normalizePrompt } from './normalize-prompt.js';
import { normalizeCostDetails, normalizeUsageDetails } from './normalize-usage.js';
import {
  GENERATION_ATTRIBUTES,
  isGenerationLike,
  readLevel,
  readModel,
  readObservationType,
  readStatusMessage,
} from './observation-fields.js';

export interface ObservationIO {
  /** Parsed and masked; undefined when the span has none. */
  input: unknown;
  output: unknown;
}

/** The span's own observation: `<type>-create` with id = span id. */
export function buildObservationEvent(
  ctx: SpanMappingContext,
  io: ObservationIO,
  exceptionMessage: string | undefined,
): ObservationCreateEvent {
  const { attributes, span, note } = ctx;
  const model = readModel(attributes, note);
  const type = readObservationType(attributes, model, note);

  const body: ObservationBody = {
    id: ctx.spanId,
    traceId: ctx.traceId,
    name: limitName(String(span.name), 'observation name', note),
    startTime: ctx.startTime,
  };
  if (ctx.parentSpanId !== undefined) body.parentObservationId = ctx.parentSpanId;
  // Events are points in time: the server has no end time for them.
  if (type !== 'event') body.endTime = ctx.endTime;
  if (io.input !== undefined) body.input = io.input;
  if (io.output !== undefined) body.output = io.output;

  const metadata = addDebugContext(
    readMetadata(attributes, OBSERVATION_METADATA, attributes.observationMetadataKeys, note),
    attributes,
    ctx.resource?.attributes,
    ctx.scope,
  );
  if (metadata !== undefined) {
    const masked = toMetadataRecord(applyMask(ctx.options.mask, metadata, 'metadata', note));
    if (masked !== undefined) body.metadata = masked;
  }

  body.level = readLevel(attributes, span.status.code, note);
  const statusMessage = readStatusMessage(attributes, span.status.message, exceptionMessage, note);
  if (statusMessage !== undefined) body.statusMessage = statusMessage;
  if (ctx.version !== undefined) body.version = ctx.version;
  if (ctx.environment !== undefined) body.environment = ctx.environment;

  if (isGenerationLike(type)) {
    addGenerationFields(ctx, body, model);
  } else if (GENERATION_ATTRIBUTES.some((name) => attributes.get(name) !== undefined)) {
    const present = GENERATION_ATTRIBUTES.filter((name) => attributes.get(name) !== undefined);
    note(
      'generation-fields-dropped',
      `${type} observations carry no model, usage, cost, prompt or completion start time; dropped ${present.join(', ')}`,
    );
  }

  return { id: `${ctx.spanId}-${type}-create`, timestamp: ctx.endTime, type: `${type}-create`, body };
}

function addGenerationFields(ctx: SpanMappingContext, body: ObservationBody, model: string | undefined): void {
  const { attributes, note } = ctx;
  if (model !== undefined) body.model = model;
  const modelParameters = normalizeModelParameters(attributes.get(OBSERVATION_MODEL_PARAMETERS), note);
  if (modelParameters !== undefined) body.modelParameters = modelParameters;
  const usageDetails = normalizeUsageDetails(attributes.get(OBSERVATION_USAGE_DETAILS), note);
  if (usageDetails !== undefined) body.usageDetails = usageDetails;
  const costDetails = normalizeCostDetails(attributes.get(OBSERVATION_COST_DETAILS), note);
  if (costDetails !== undefined) body.costDetails = costDetails;
  const completionStartTime = normalizeCompletionStartTime(attributes.get(OBSERVATION_COMPLETION_START_TIME), note);
  if (completionStartTime !== undefined) body.completionStartTime = completionStartTime;
  const prompt = normalizePrompt(
    attributes.get(OBSERVATION_PROMPT_NAME),
    attributes.get(OBSERVATION_PROMPT_VERSION),
    note,
  );
  if (prompt !== undefined) {
    body.promptName = prompt.promptName;
    body.promptVersion = prompt.promptVersion;
  }
}
