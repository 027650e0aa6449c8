import type { AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  COMPACT_RESOURCE_ATTRIBUTES,
  RESOURCE_DEPLOYMENT_ENVIRONMENT,
  RESOURCE_DEPLOYMENT_ENVIRONMENT_NAME,
  RESOURCE_SERVICE_VERSION,
} from './attribute-names.js';
import type { ScopeInfo } from './metadata.js';
import { normalizeEnvironment } from './normalize-environment.js';
import type { Note } from './notes.js';

type Resource = ReadableSpan['resource'];
type InstrumentationScope = ReadableSpan['instrumentationScope'];

/** What the mapping takes from a span's resource; the same for every span of that resource. */
export interface ResourceInfo {
  environment: string | undefined;
  version: string | undefined;
  /** The compact subset of resource attributes copied into observation metadata. */
  attributes: Record<string, AttributeValue> | undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function readResourceInfo(resource: Resource, note: Note): ResourceInfo {
  const values = resource.attributes;
  const rawEnvironment =
    nonEmptyString(values[RESOURCE_DEPLOYMENT_ENVIRONMENT_NAME]) ??
    nonEmptyString(values[RESOURCE_DEPLOYMENT_ENVIRONMENT]);
  let attributes: Record<string, AttributeValue> | undefined;
  for (const key of COMPACT_RESOURCE_ATTRIBUTES) {
    const value = values[key];
    if (value !== undefined) (attributes ??= {})[key] = value;
  }
  return {
    environment: rawEnvironment === undefined ? undefined : normalizeEnvironment(rawEnvironment, note),
    version: nonEmptyString(values[RESOURCE_SERVICE_VERSION]),
    attributes,
  };
}

/**
 * Resource and scope lookups, computed once per resource / scope object (spans of one tracer share them) and
 * held weakly, so the cache lives and dies with the mapper that owns it.
 */
export class ResourceCache {
  private readonly resources = new WeakMap<Resource, ResourceInfo>();
  private readonly scopes = new WeakMap<InstrumentationScope, ScopeInfo | undefined>();

  constructor(private readonly note: Note) {}

  resource(resource: Resource | undefined): ResourceInfo | undefined {
    if (resource === undefined || resource === null) return undefined;
    let info = this.resources.get(resource);
    if (info === undefined) {
      info = readResourceInfo(resource, this.note);
      // Until async attributes settle the resource may still change: don't remember a partial view.
      if (resource.asyncAttributesPending !== true) this.resources.set(resource, info);
    }
    return info;
  }

  scope(scope: InstrumentationScope | undefined): ScopeInfo | undefined {
    if (scope === undefined || scope === null) return undefined;
    if (this.scopes.has(scope)) return this.scopes.get(scope);
    const info: ScopeInfo | undefined =
      typeof scope.name === 'string' && scope.name !== ''
        ? typeof scope.version === 'string' && scope.version !== ''
          ? { name: scope.name, version: scope.version }
          : { name: scope.name }
        : undefined;
    this.scopes.set(scope, info);
    return info;
  }
}
