import type { ObservationBody, ObservationCreateEvent, ObservationType } from '../wire/ingestion-event.js';
import { OBSERVATION_METADATA, OBSERVATION_PROMPT_NAME, OBSERVATION_PROMPT_VERSION } from './attribute-names.js';
import { METADATA_SOURCES, PROMPT_SOURCES, firstOf, mergeOf } from './conventions/registry.js';
import { applyMask } from './mask.js';
import type { SpanMappingContext } from './mapping-context.js';
import { addDebugContext, readMetadata, toMetadataRecord } from './metadata.js';
import { normalizePrompt } from './normalize-prompt.js';
import {
  GENERATION_ATTRIBUTES,
  isGenerationLike,
  readCompletionStartTime,
  readCostDetails,
  readExplicitModel,
  readLevel,
  readModel,
  readModelParameters,
  readObservationType,
  readStatusMessage,
  readUsageDetails,
} from './observation-fields.js';

/** What the span's observation and its trace share, resolved once. */
export interface ObservationIO {
  /** The observation name (limited); also a root's fallback trace name. */
  name: string;
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
  const { attributes, span, note, conventions } = ctx;
  const explicitModel = readExplicitModel(attributes, note);
  const type = readObservationType(attributes, explicitModel, conventions, note);

  const body: ObservationBody = {
    id: ctx.spanId,
    traceId: ctx.traceId,
    name: io.name,
    startTime: ctx.startTime,
  };
  if (ctx.parentSpanId !== undefined) body.parentObservationId = ctx.parentSpanId;
  // Events are points in time: the server has no end time for them.
  if (type !== 'event') body.endTime = ctx.endTime;
  if (io.input !== undefined) body.input = io.input;
  if (io.output !== undefined) body.output = io.output;

  // Generation fields before the metadata: the convention attributes they use are then left out of it.
  if (isGenerationLike(type)) {
    addGenerationFields(ctx, body, explicitModel, type);
  } else if (GENERATION_ATTRIBUTES.some((name) => attributes.get(name) !== undefined)) {
    const present = GENERATION_ATTRIBUTES.filter((name) => attributes.get(name) !== undefined);
    note(
      'generation-fields-dropped',
      `${type} observations carry no model, usage, cost, prompt or completion start time; dropped ${present.join(', ')}`,
    );
  }

  let userMetadata = readMetadata(attributes, OBSERVATION_METADATA, attributes.observationMetadataKeys, note);
  if (conventions !== undefined) {
    const conventionMetadata = mergeOf(METADATA_SOURCES, conventions);
    if (conventionMetadata !== undefined) userMetadata = { ...conventionMetadata, ...userMetadata };
  }
  const metadata = addDebugContext(userMetadata, attributes, ctx.resource?.attributes, ctx.scope);
  if (metadata !== undefined) {
    const masked = toMetadataRecord(applyMask(ctx.options.mask, metadata, 'metadata', note));
    if (masked !== undefined) body.metadata = masked;
  }

  body.level = readLevel(attributes, span.status.code, note);
  const statusMessage = readStatusMessage(attributes, span.status.message, exceptionMessage, note);
  if (statusMessage !== undefined) body.statusMessage = statusMessage;
  if (ctx.version !== undefined) body.version = ctx.version;
  if (ctx.environment !== undefined) body.environment = ctx.environment;

  return { id: `${ctx.spanId}-${type}-create`, timestamp: ctx.endTime, type: `${type}-create`, body };
}

function addGenerationFields(
  ctx: SpanMappingContext,
  body: ObservationBody,
  explicitModel: string | undefined,
  type: ObservationType,
): void {
  const { attributes, conventions, note } = ctx;
  const model = readModel(explicitModel, conventions, note);
  if (model !== undefined) body.model = model;
  const modelParameters = readModelParameters(attributes, conventions, note);
  if (modelParameters !== undefined) body.modelParameters = modelParameters;
  const usageDetails = readUsageDetails(attributes, conventions, note);
  if (usageDetails !== undefined) body.usageDetails = usageDetails;
  const costDetails = readCostDetails(attributes, conventions, note);
  if (costDetails !== undefined) body.costDetails = costDetails;
  const completionStartTime = readCompletionStartTime(attributes, conventions, ctx.format, note);
  if (completionStartTime !== undefined) body.completionStartTime = completionStartTime;
  let promptName: unknown = attributes.get(OBSERVATION_PROMPT_NAME);
  let promptVersion: unknown = attributes.get(OBSERVATION_PROMPT_VERSION);
  // As the server: a convention's prompt link only where no explicit one is given, and only on generations.
  if (promptName === undefined && promptVersion === undefined && conventions !== undefined && type === 'generation') {
    const link = firstOf(PROMPT_SOURCES, conventions);
    if (link !== undefined) ({ name: promptName, version: promptVersion } = link);
  }
  const prompt = normalizePrompt(promptName, promptVersion, note);
  if (prompt !== undefined) {
    body.promptName = prompt.promptName;
    body.promptVersion = prompt.promptVersion;
  }
}
