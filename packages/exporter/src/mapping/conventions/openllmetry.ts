import { type IoSource, type Source, attributeIo } from './convention-span.js';
import { flattenedListIo } from './flattened.js';

/*
 * OpenLLMetry (Traceloop) specifics on top of the GenAI conventions: workflow/task entities
 * (`traceloop.entity.*`), the flattened prompt/completion lists of its older instrumentations
 * (`gen_ai.prompt.N.role`, `gen_ai.completion.N.content`, ...) and `llm.response.model`.
 * https://github.com/traceloop/openllmetry/tree/main/packages/opentelemetry-semantic-conventions-ai
 */

const ENTITY_INPUT = 'traceloop.entity.input';
const ENTITY_OUTPUT = 'traceloop.entity.output';
const RESPONSE_MODEL = 'llm.response.model';
const PROMPT = 'gen_ai.prompt';
const COMPLETION = 'gen_ai.completion';

export const responseModel: Source<unknown> = (span) => span.take(RESPONSE_MODEL);

export const entityInput: IoSource = attributeIo([ENTITY_INPUT], 'json');
export const entityOutput: IoSource = attributeIo([ENTITY_OUTPUT], 'json');

/** `gen_ai.prompt.N.*` → `[{role, content, ...}]` (or a whole `gen_ai.prompt` JSON attribute). */
export const promptInput: IoSource = flattenedListIo(PROMPT, 'text');
export const completionOutput: IoSource = flattenedListIo(COMPLETION, 'text');
