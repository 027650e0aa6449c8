import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Cross-checks events against Langfuse's own OpenAPI spec, which lives in `../shared/contracts` next to the repo on
 * our machines and in CI, never in a user's clone. When it is absent the check says so and skips.
 */
export const CONTRACT_FILE = fileURLToPath(new URL('../../../../shared/contracts/langfuse-openapi.yml', import.meta.url));

/** Types the server accepts since v3.99 whose body is a generation body; the OpenAPI file does not list them. */
const GENERATION_BODY_TYPES = ['agent', 'tool', 'chain', 'retriever', 'evaluator', 'embedding', 'guardrail'].map((t) => `${t}-create`);

export interface ContractValidator {
  /** Problems with one envelope, empty when it matches the spec. */
  check(event: unknown): string[];
}

type Json = Record<string, unknown>;

/** OpenAPI 3.0 `nullable` → JSON Schema, so a standard validator reads the spec as the server means it. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === 'discriminator' || key === 'example' || key.startsWith('x-')) continue;
    out[key] = key === 'properties' || key === 'schemas' ? mapValues(value as Json, toJsonSchema) : toJsonSchema(value);
  }
  // OpenAPI generators write unions of primitive types as oneOf (MapValue: string | integer | number | …), meaning
  // "any of": in JSON Schema an integer would match both the integer and the number branch and fail oneOf.
  if (Array.isArray(out['oneOf']) && (out['oneOf'] as unknown[]).every(isPrimitiveBranch)) {
    out['anyOf'] = out['oneOf'];
    delete out['oneOf'];
  }
  if (out['nullable'] === true) {
    delete out['nullable'];
    if (typeof out['type'] === 'string' && Object.keys(out).every((k) => !['$ref', 'allOf', 'oneOf', 'anyOf'].includes(k))) {
      out['type'] = [out['type'], 'null'];
      if (Array.isArray(out['enum'])) out['enum'] = [...out['enum'], null];
      return out;
    }
    return Object.keys(out).length === 0 ? out : { anyOf: [out, { type: 'null' }] };
  }
  delete out['nullable'];
  return out;
}

function isPrimitiveBranch(branch: unknown): boolean {
  const type = (branch as Json | null)?.['type'];
  const types = Array.isArray(type) ? type : [type];
  return types.every((t) => typeof t === 'string' && t !== 'object');
}

function mapValues(record: Json, fn: (value: unknown) => unknown): Json {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));
}

let cached: ContractValidator | null | undefined;

/** The validator, or undefined (with one line saying the check is skipped) when the spec is not beside the repo. */
export function loadContract(): ContractValidator | undefined {
  if (cached !== undefined) return cached ?? undefined;
  if (!existsSync(CONTRACT_FILE)) {
    console.warn(`[contract] SKIPPED: ${CONTRACT_FILE} not found; events are not cross-checked against Langfuse's OpenAPI spec.`);
    cached = null;
    return undefined;
  }
  const spec = parse(readFileSync(CONTRACT_FILE, 'utf8'), { maxAliasCount: -1 }) as { components: { schemas: Json } };
  const ajv = new Ajv({ strict: false, allErrors: true });
  const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
  addFormats(ajv);
  for (const format of ['double', 'float', 'int32', 'int64']) ajv.addFormat(format, true);
  ajv.addSchema({ $id: 'langfuse', components: { schemas: toJsonSchema(spec.components.schemas) } });
  const ingestionEvent = ajv.compile({ $ref: 'langfuse#/components/schemas/IngestionEvent' });
  const generationEvent = ajv.compile({ $ref: 'langfuse#/components/schemas/CreateGenerationEvent' });
  const errorsOf = (validate: ValidateFunction, event: unknown) =>
    validate(event) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
  cached = {
    check(event) {
      const type = (event as { type?: unknown } | null)?.type;
      if (typeof type === 'string' && GENERATION_BODY_TYPES.includes(type)) return errorsOf(generationEvent, event);
      return errorsOf(ingestionEvent, event);
    },
  };
  return cached;
}
