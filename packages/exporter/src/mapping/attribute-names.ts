/**
 * Every attribute name the mapping reads, in one place. The `langfuse.*` names match what Langfuse's own SDKs
 * write and what the Langfuse server reads on its OTLP path.
 */

export const LANGFUSE_PREFIX = 'langfuse.';

// Trace level
export const TRACE_NAME = 'langfuse.trace.name';
export const TRACE_TAGS = 'langfuse.trace.tags';
export const TRACE_PUBLIC = 'langfuse.trace.public';
export const TRACE_METADATA = 'langfuse.trace.metadata';
export const TRACE_METADATA_PREFIX = 'langfuse.trace.metadata.';
export const TRACE_INPUT = 'langfuse.trace.input';
export const TRACE_OUTPUT = 'langfuse.trace.output';
export const TRACE_PREFIX = 'langfuse.trace.';
export const USER_ID = 'langfuse.user.id';
export const SESSION_ID = 'langfuse.session.id';
export const RELEASE = 'langfuse.release';
export const VERSION = 'langfuse.version';
export const ENVIRONMENT = 'langfuse.environment';

// Aliases other instrumentation writes (read only when the langfuse.* name is absent). The LLM conventions'
// names (Vercel AI SDK metadata, `gen_ai.conversation.id`, `tag.tags`, ...) are added in conventions/registry.ts.
export const USER_ID_ALIASES: readonly string[] = ['user.id'];
export const SESSION_ID_ALIASES: readonly string[] = ['session.id'];

// Observation level
export const OBSERVATION_TYPE = 'langfuse.observation.type';
export const OBSERVATION_INPUT = 'langfuse.observation.input';
export const OBSERVATION_OUTPUT = 'langfuse.observation.output';
export const OBSERVATION_METADATA = 'langfuse.observation.metadata';
export const OBSERVATION_METADATA_PREFIX = 'langfuse.observation.metadata.';
export const OBSERVATION_LEVEL = 'langfuse.observation.level';
export const OBSERVATION_STATUS_MESSAGE = 'langfuse.observation.status_message';
export const OBSERVATION_MODEL = 'langfuse.observation.model.name';
export const OBSERVATION_MODEL_PARAMETERS = 'langfuse.observation.model.parameters';
export const OBSERVATION_USAGE_DETAILS = 'langfuse.observation.usage_details';
export const OBSERVATION_COST_DETAILS = 'langfuse.observation.cost_details';
export const OBSERVATION_COMPLETION_START_TIME = 'langfuse.observation.completion_start_time';
export const OBSERVATION_PROMPT_NAME = 'langfuse.observation.prompt.name';
export const OBSERVATION_PROMPT_VERSION = 'langfuse.observation.prompt.version';

// Internal
export const AS_ROOT = 'langfuse.internal.as_root';

// Resource attributes
export const RESOURCE_SERVICE_NAME = 'service.name';
export const RESOURCE_SERVICE_NAMESPACE = 'service.namespace';
export const RESOURCE_SERVICE_VERSION = 'service.version';
export const RESOURCE_SERVICE_INSTANCE_ID = 'service.instance.id';
export const RESOURCE_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';
export const RESOURCE_DEPLOYMENT_ENVIRONMENT = 'deployment.environment';
export const RESOURCE_HOST_NAME = 'host.name';

/** The resource attributes copied into observation metadata (`resourceAttributes`); the rest is left out. */
export const COMPACT_RESOURCE_ATTRIBUTES: readonly string[] = [
  RESOURCE_SERVICE_NAME,
  RESOURCE_SERVICE_NAMESPACE,
  RESOURCE_SERVICE_VERSION,
  RESOURCE_SERVICE_INSTANCE_ID,
  RESOURCE_DEPLOYMENT_ENVIRONMENT_NAME,
  RESOURCE_DEPLOYMENT_ENVIRONMENT,
  RESOURCE_HOST_NAME,
];

// OTel span events
export const EXCEPTION_EVENT = 'exception';
export const EXCEPTION_MESSAGE = 'exception.message';
export const EXCEPTION_TYPE = 'exception.type';
