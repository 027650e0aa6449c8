import type { AttributeValue, Attributes, Context } from '@opentelemetry/api';
import { PROPAGATED_KEY } from '../facade/context-keys.js';
import { propagatedScopeOf, type PropagatedScope } from '../facade/propagate-attributes.js';
import { isPlainRecord, safeRead } from '../values/safe-read.js';

/** The `propagateAttributes` scope as it travels in a job: JSON, read back with checks (a job store is not trusted). */
export interface CarriedScope {
  attributes: Attributes;
  generationAttributes?: Attributes;
  tags: string[];
}

const MAX_KEYS = 200;
const MAX_KEY_LENGTH = 512;
/** A scope bigger than this as JSON is not carried (job payloads live in Redis; memory there is the user's). */
export const MAX_CARRIED_SCOPE_CHARS = 64 * 1024;

function isPrimitive(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function attributeValue(value: unknown): AttributeValue | undefined {
  if (isPrimitive(value)) return value;
  if (!Array.isArray(value) || value.length > MAX_KEYS) return undefined;
  const kind = typeof value[0];
  return value.every((item) => isPrimitive(item) && typeof item === kind) ? (value as AttributeValue) : undefined;
}

function attributesOf(value: unknown): Attributes | undefined {
  if (!isPlainRecord(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length > MAX_KEYS) return undefined;
  const attributes: Attributes = {};
  for (const key of keys) {
    if (key.length > MAX_KEY_LENGTH) continue;
    const item = attributeValue(value[key]);
    if (item !== undefined) attributes[key] = item;
  }
  return attributes;
}

/** The scope active in `ctx` as plain data, or undefined when there is none or it is too big to carry. */
export function carryScope(ctx: Context): CarriedScope | undefined {
  const scope = propagatedScopeOf(ctx);
  if (scope === undefined) return undefined;
  const carried: CarriedScope = { attributes: { ...scope.attributes }, tags: [...scope.tags] };
  if (scope.generationAttributes !== undefined) carried.generationAttributes = { ...scope.generationAttributes };
  return JSON.stringify(carried).length <= MAX_CARRIED_SCOPE_CHARS ? carried : undefined;
}

/** `ctx` with the carried scope restored over the one already active there (the carried values win); unusable data is ignored. */
export function restoreScope(ctx: Context, carried: unknown): Context {
  const attributes = attributesOf(safeRead(carried, 'attributes'));
  if (attributes === undefined) return ctx;
  const generationAttributes = attributesOf(safeRead(carried, 'generationAttributes'));
  const tags = safeRead(carried, 'tags');
  const outer = propagatedScopeOf(ctx);
  const scope: PropagatedScope = {
    attributes: { ...outer?.attributes, ...attributes },
    generationAttributes: generationAttributes ?? outer?.generationAttributes,
    tags: Array.isArray(tags) && tags.length <= MAX_KEYS ? tags.filter((tag): tag is string => typeof tag === 'string') : (outer?.tags ?? []),
  };
  return ctx.setValue(PROPAGATED_KEY, scope);
}
