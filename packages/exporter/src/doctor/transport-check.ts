import type { ResolvedExporterConfig } from '../config/exporter-options.js';
import { isLangfuseCloud } from '../delivery/transport-route.js';
import { fail, ok, warn, type LangfuseCheck } from './check-result.js';

/** `[major, minor]` of a version such as `3.99.0`, or undefined. */
function majorMinor(version: string | undefined): [number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)/.exec(version ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Langfuse >= 3.22 has the OTLP endpoint; v4 (default `events_only`) and Cloud refuse traces on the legacy one. */
export function checkTransport(config: ResolvedExporterConfig, version: string | undefined): LangfuseCheck {
  const cloud = isLangfuseCloud(config.baseUrl);
  const parsed = majorMinor(version);
  const hasOtlp = parsed === undefined ? undefined : parsed[0] > 3 || (parsed[0] === 3 && parsed[1] >= 22);
  const v4 = parsed !== undefined && parsed[0] >= 4;
  const server = cloud ? 'Langfuse Cloud' : `this server (${version ?? 'version unknown'})`;
  switch (config.transport) {
    case 'otlp':
      if (hasOtlp === false) {
        return fail('transport', `transport 'otlp', but ${server} has no OTLP endpoint (it needs Langfuse >= 3.22)`, "Use transport 'auto' (LANGFUSE_TRANSPORT=auto) or 'ingestion', or upgrade the server");
      }
      return ok('transport', `transport 'otlp': spans go to /api/public/otel/v1/traces`);
    case 'ingestion':
      if (cloud || v4) {
        return (cloud ? fail : warn)(
          'transport',
          `transport 'ingestion', but ${server} refuses traces on the legacy ingestion endpoint${cloud ? '' : ' when it runs in events_only mode (the v4 default)'}`,
          "Use transport 'auto' (the default; LANGFUSE_TRANSPORT=auto) or 'otlp'",
        );
      }
      return ok('transport', `transport 'ingestion': spans go to /api/public/ingestion`);
    case 'auto':
      if (cloud) return ok('transport', "transport 'auto' uses the OTLP endpoint: the server is Langfuse Cloud");
      if (v4) {
        return ok('transport', `transport 'auto' starts on the legacy ingestion endpoint and moves to OTLP for good at the first refusal: ${server} refuses traces there in events_only mode (the v4 default)`);
      }
      if (hasOtlp === false) return ok('transport', `transport 'auto' uses the legacy ingestion endpoint: ${server} has no OTLP endpoint (Langfuse < 3.22)`);
      if (parsed === undefined) {
        return ok('transport', "transport 'auto' starts on the legacy ingestion endpoint (server version unknown) and moves to OTLP for good if the server refuses traces there");
      }
      return ok('transport', `transport 'auto' uses the legacy ingestion endpoint: ${server} accepts traces there; it would move to OTLP only if the server refused them`);
  }
}
