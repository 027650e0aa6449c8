import { context, type Attributes, type Context } from '@opentelemetry/api';
import { OBSERVATION_PROMPT_NAME, OBSERVATION_PROMPT_VERSION } from '../attribute-names.js';
import { describeCaught, log } from '../logger.js';
import { safeRead, stringField } from '../values/safe-read.js';
import { PROPAGATED_KEY } from './context-keys.js';
import { facadeConfig } from './facade-config.js';
import { traceAttributes } from './trace-attributes.js';

/** Trace-level fields written onto every span started inside a `propagateAttributes` scope, by any tracer routed to us. */
export interface PropagatedAttributes {
  userId?: string;
  sessionId?: string;
  /** Added to the tags of outer scopes. */
  tags?: string[];
  /** Merged over the metadata of outer scopes, key by key. */
  metadata?: Record<string, unknown>;
  version?: string;
  release?: string;
  environment?: string;
  /** The trace's name (`langfuse.trace.name`). */
  traceName?: string;
  /** The Langfuse prompt behind the generations started inside: written on generations only. */
  prompt?: { name: string; version: number };
}

/** What a scope puts in the context: the attributes for every span, and those for generations only. */
export interface PropagatedScope {
  readonly attributes: Attributes;
  readonly generationAttributes: Attributes | undefined;
  readonly tags: readonly string[];
}

/** The scope active in `ctx`, if any. */
export function propagatedScopeOf(ctx: Context): PropagatedScope | undefined {
  return ctx.getValue(PROPAGATED_KEY) as PropagatedScope | undefined;
}

/**
 * Runs `fn` with `attributes` written onto every span started inside it (also spans of other instrumentation, such
 * as the Vercel AI SDK or OpenLLMetry, when their tracer reaches a Langfuse processor), so each observation and its
 * trace carry the user, session, tags, metadata, version, release, environment and trace name on either transport.
 * Scopes nest: inner values win, tags add up, metadata merges by key. What a span sets itself is kept. Returns what
 * `fn` returns; never throws for bad input (one warning, and `fn` runs without the bad fields).
 */
export function propagateAttributes<T>(attributes: PropagatedAttributes, fn: () => T): T {
  if (typeof fn !== 'function') {
    log.once('warn', 'propagate-not-a-function', 'propagateAttributes() needs a function as its second argument; nothing was run');
    return undefined as T;
  }
  let scope: PropagatedScope | undefined;
  try {
    scope = scopeOf(attributes, propagatedScopeOf(context.active()));
  } catch (error) {
    log.once('warn', 'propagate-failed', `propagateAttributes(): the attributes could not be read (${describeCaught(error)}); running without them`);
  }
  return scope === undefined ? fn() : context.with(context.active().setValue(PROPAGATED_KEY, scope), fn);
}

function scopeOf(given: unknown, outer: PropagatedScope | undefined): PropagatedScope {
  const update = traceAttributes(
    {
      name: safeRead(given, 'traceName'),
      userId: safeRead(given, 'userId'),
      sessionId: safeRead(given, 'sessionId'),
      tags: safeRead(given, 'tags'),
      metadata: safeRead(given, 'metadata'),
      version: safeRead(given, 'version'),
      release: safeRead(given, 'release'),
      environment: safeRead(given, 'environment'),
      input: undefined,
      output: undefined,
      public: undefined,
    },
    facadeConfig().mask,
    outer?.tags ?? [],
    true,
  );
  const own = Object.assign(update.propagated, update.once);
  const prompt = promptAttributes(safeRead(given, 'prompt'));
  return {
    attributes: outer === undefined ? own : Object.assign({}, outer.attributes, own),
    generationAttributes: prompt ?? outer?.generationAttributes,
    tags: update.tags ?? outer?.tags ?? [],
  };
}

function promptAttributes(prompt: unknown): Attributes | undefined {
  if (prompt === undefined || prompt === null) return undefined;
  const name = stringField(safeRead(prompt, 'name'));
  const version = safeRead(prompt, 'version');
  if (name === undefined || typeof version !== 'number' || !Number.isInteger(version)) {
    log.once('warn', 'propagate-prompt-invalid', 'propagateAttributes(): prompt needs a name and an integer version; ignored');
    return undefined;
  }
  return { [OBSERVATION_PROMPT_NAME]: name, [OBSERVATION_PROMPT_VERSION]: version };
}
