import type { AttributeValue, Attributes } from '@opentelemetry/api';
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { quoteValue } from '@otel-langfuse/exporter/internal';
import { log } from '../logger.js';
import type { LangfuseSetupOptions } from './setup-options.js';

/** OTel's default resource, then `OTEL_SERVICE_NAME`/`OTEL_RESOURCE_ATTRIBUTES`, then the options. Invalid parts are warned about and left out. */
export function buildResource(options: LangfuseSetupOptions): Resource {
  let resource = defaultResource().merge(detectResources({ detectors: [envDetector] }));
  if (typeof options.serviceName === 'string' && options.serviceName.trim() !== '') {
    resource = resource.merge(resourceFromAttributes({ 'service.name': options.serviceName }));
  } else if (options.serviceName !== undefined) {
    log.warn(`serviceName ${quoteValue(options.serviceName)} is invalid (must be a non-empty string); using ${JSON.stringify(resource.attributes['service.name'] ?? 'OTel\'s default')}`);
  }
  const given = options.resource;
  if (given === undefined) return resource;
  if (isResource(given)) return resource.merge(given);
  if (typeof given === 'object' && given !== null && !Array.isArray(given)) {
    return resource.merge(resourceFromAttributes(validAttributes(given as Record<string, unknown>)));
  }
  log.warn(`resource ${quoteValue(given)} is invalid (must be an OTel Resource or an object of attributes); using the default resource`);
  return resource;
}

/** An OTel `Resource` (from any copy of @opentelemetry/resources 2.x), told from plain attributes by its methods. */
function isResource(value: unknown): value is Resource {
  const candidate = value as Partial<Resource> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.merge === 'function' && typeof candidate.getRawAttributes === 'function';
}

/** The entries that are valid attribute values (string, number, boolean, or a homogeneous array of them); others are reported. */
function validAttributes(given: Record<string, unknown>): Attributes {
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(given)) {
    if (isAttributeValue(value)) attributes[key] = value;
    else log.warn(`resource attribute ${JSON.stringify(key.slice(0, 80))} ${quoteValue(value)} is invalid (must be a string, number, boolean or an array of one of them); left out`);
  }
  return attributes;
}

function isAttributeValue(value: unknown): value is AttributeValue {
  const primitive = (v: unknown) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
  if (primitive(value)) return true;
  if (!Array.isArray(value)) return false;
  const types = new Set(value.filter((v) => v !== null && v !== undefined).map((v) => typeof v));
  return value.every((v) => v === null || v === undefined || primitive(v)) && types.size <= 1;
}
