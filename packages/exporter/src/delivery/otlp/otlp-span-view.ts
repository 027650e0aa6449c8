import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ENVIRONMENT,
  OBSERVATION_COMPLETION_START_TIME,
  OBSERVATION_PROMPT_NAME,
  OBSERVATION_PROMPT_VERSION,
  OBSERVATION_STATUS_MESSAGE,
  RELEASE,
  RESOURCE_DEPLOYMENT_ENVIRONMENT,
  RESOURCE_DEPLOYMENT_ENVIRONMENT_NAME,
} from '../../mapping/attribute-names.js';
import { normalizeCompletionStartTime } from '../../mapping/normalize-completion-start-time.js';
import { normalizeEnvironment } from '../../mapping/normalize-environment.js';
import { normalizePrompt } from '../../mapping/normalize-prompt.js';
import type { Note } from '../../mapping/notes.js';
import type { MaskFunction } from '../../mapping/options.js';
import { exceptionMessage } from '../../mapping/span-events.js';
import { rewriteAiSdkUsage } from './ai-sdk-usage-view.js';
import { maskSpan } from './masked-span.js';

export interface OtlpSpanViewOptions {
  /** The exporter's default environment: written as `langfuse.environment` where the span and resource name none. */
  environment?: string | undefined;
  /** The exporter's default release: written as `langfuse.release` where the span and resource name none. */
  release?: string | undefined;
  mask?: MaskFunction | undefined;
  onMaskFailure: () => void;
  /** The mapping's note sink, so a normalization is reported once per cause whichever path sent the span. */
  note: Note;
}

/** The server reads the environment from these keys, on the span or else its resource. */
const ENVIRONMENT_KEYS = [ENVIRONMENT, RESOURCE_DEPLOYMENT_ENVIRONMENT_NAME, RESOURCE_DEPLOYMENT_ENVIRONMENT];

const isSet = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

/**
 * The span as the OTLP path sends it, so the server stores what the legacy mapping would have sent:
 * - the user's mask applied (see {@link maskSpan});
 * - the exporter's `environment` and `release` written as the attributes the server reads (it knows no other
 *   source); `langfuse.release` on every span, because a legacy-table server turns every child carrying trace
 *   attributes into a trace update whose missing release is null;
 * - raw attributes the server would refuse the whole observation for (half a prompt link, a non-integer prompt
 *   version, a non-string completion start time) normalized as the legacy mapping does, with the same notes;
 * - a recorded exception on a span without a status message written as `langfuse.observation.status_message`;
 * - the Vercel AI SDK 7's agent totals kept out of usage, its reasoning tokens under the GenAI name (ai-sdk-usage-view.ts).
 * Spans that need none of it are returned as they are.
 */
export function createOtlpSpanView(options: OtlpSpanViewOptions): (span: ReadableSpan) => ReadableSpan {
  const { mask, onMaskFailure, note } = options;
  const environment = isSet(options.environment) ? normalizeEnvironment(options.environment as string, note) : undefined;
  const release = isSet(options.release) ? options.release : undefined;

  return (input) => {
    const span = mask ? maskSpan(input, mask, onMaskFailure) : input;
    const attributes = span.attributes ?? {};
    const resource = span.resource?.attributes ?? {};
    let changed: Attributes | undefined;
    const set = (key: string, value: Attributes[string]): void => {
      changed ??= { ...attributes };
      if (value === undefined) delete changed[key];
      else changed[key] = value;
    };

    if (environment !== undefined && !ENVIRONMENT_KEYS.some((key) => isSet(attributes[key]) || isSet(resource[key]))) {
      set(ENVIRONMENT, environment);
    }
    if (release !== undefined && !isSet(attributes[RELEASE]) && !isSet(resource[RELEASE])) set(RELEASE, release);

    const promptName = attributes[OBSERVATION_PROMPT_NAME];
    const promptVersion = attributes[OBSERVATION_PROMPT_VERSION];
    if (promptName !== undefined || promptVersion !== undefined) {
      const prompt = normalizePrompt(promptName, promptVersion, note);
      if (prompt === undefined) {
        set(OBSERVATION_PROMPT_NAME, undefined);
        set(OBSERVATION_PROMPT_VERSION, undefined);
      } else if (prompt.promptVersion !== promptVersion) {
        set(OBSERVATION_PROMPT_VERSION, prompt.promptVersion);
      }
    }

    const completionStart = attributes[OBSERVATION_COMPLETION_START_TIME];
    if (completionStart !== undefined) {
      const normalized = normalizeCompletionStartTime(completionStart, note);
      if (normalized !== completionStart) set(OBSERVATION_COMPLETION_START_TIME, normalized);
    }

    if (!isSet(attributes[OBSERVATION_STATUS_MESSAGE]) && !isSet(span.status?.message)) {
      const message = exceptionMessage(span.events ?? []);
      if (message !== undefined) set(OBSERVATION_STATUS_MESSAGE, message);
    }

    rewriteAiSdkUsage(attributes, set);

    if (changed === undefined) return span;
    return Object.create(span, { attributes: { value: changed, enumerable: true } }) as ReadableSpan;
  };
}
