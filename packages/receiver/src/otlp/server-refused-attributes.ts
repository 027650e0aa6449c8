import { OBSERVATION_COMPLETION_START_TIME, OBSERVATION_PROMPT_NAME, OBSERVATION_PROMPT_VERSION } from '@otel-langfuse/exporter/mapping';
import type { SpanAttributes } from './readable-span.js';

/**
 * Why a server writing the legacy tables would drop this span's observation, or undefined. Its OTLP mapping passes
 * these attributes on as they are, and the observation then fails the ingestion schema as a whole: a prompt name
 * without a version, a prompt version that is not an integer number, a completion start time that is not a string.
 * (The exporter's own mapping would normalize them; the receiver imitates the server instead.)
 */
export function serverRefusal(attributes: SpanAttributes): string | undefined {
  const name = attributes[OBSERVATION_PROMPT_NAME];
  const version = attributes[OBSERVATION_PROMPT_VERSION];
  if (name !== undefined && version === undefined) return `${OBSERVATION_PROMPT_NAME} without ${OBSERVATION_PROMPT_VERSION}`;
  if (version !== undefined && !(typeof version === 'number' && Number.isSafeInteger(version))) {
    return `${OBSERVATION_PROMPT_VERSION} is not an integer number`;
  }
  const completionStart = attributes[OBSERVATION_COMPLETION_START_TIME];
  if (completionStart !== undefined && typeof completionStart !== 'string') return `${OBSERVATION_COMPLETION_START_TIME} is not a string`;
  return undefined;
}
