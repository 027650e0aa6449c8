import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { LangfuseSetupOptions } from './setup-options.js';

/** OTel's default resource, then `OTEL_SERVICE_NAME`/`OTEL_RESOURCE_ATTRIBUTES`, then the options. */
export function buildResource(options: LangfuseSetupOptions): Resource {
  let resource = defaultResource().merge(detectResources({ detectors: [envDetector] }));
  if (typeof options.serviceName === 'string' && options.serviceName !== '') {
    resource = resource.merge(resourceFromAttributes({ 'service.name': options.serviceName }));
  }
  if (options.resource !== undefined) resource = resource.merge(options.resource);
  return resource;
}
