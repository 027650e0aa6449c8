import type { ResolvedExporterConfig } from '../config/exporter-options.js';
import { redactProxyUrl } from '../config/network-config.js';
import { networkHint } from '../delivery/http/network-hint.js';
import { proxyFor } from '../delivery/http/proxy-for-url.js';
import { fail, ok, warn, type LangfuseCheck } from './check-result.js';
import { jsonObject } from '../wire/json-object.js';
import { probe, type ProbeResult } from './probe-request.js';

/** What the health probe learnt, for the checks after it. */
export interface HealthFacts {
  check: LangfuseCheck;
  reachable: boolean;
  version: string | undefined;
  /** The answer, for the clock check. */
  answer: Extract<ProbeResult, { kind: 'response' }> | undefined;
}

/** Skew past which traces show at the wrong time in the UI (warn), and past which they fall out of the default views (fail). */
const CLOCK_WARN_MS = 2_000;
const CLOCK_FAIL_MS = 5 * 60_000;

export const endpoint = (config: ResolvedExporterConfig, path: string): URL => new URL(`${config.baseUrl}${path}`);

/** How requests reach the server: direct, or through which proxy (without its credentials). */
export function routeDescription(config: ResolvedExporterConfig): string {
  const proxy = proxyFor(new URL(config.baseUrl), config.network.proxy);
  return proxy ? `through the proxy ${redactProxyUrl(proxy.url)} (${proxy.source})` : 'directly (no proxy)';
}

/** `GET /api/public/health`: is the server there (through the proxy in use), and which version is it. */
export async function checkHealth(config: ResolvedExporterConfig, timeoutMs: number): Promise<HealthFacts> {
  const url = endpoint(config, '/api/public/health');
  const answer = await probe({ url, method: 'GET', headers: config.additionalHeaders, network: config.network, timeoutMs });
  const route = routeDescription(config);
  if (answer.kind === 'error') {
    const fix = answer.timedOut
      ? `The server (or a proxy) accepted the connection but did not answer: check that ${config.baseUrl} is a Langfuse server and that it is up`
      : `Check LANGFUSE_BASE_URL (${config.baseUrl}), that the server is up, and the proxy settings (HTTPS_PROXY/HTTP_PROXY/NO_PROXY, LANGFUSE_PROXY)${networkHint(answer.code, answer.message)}`;
    return { check: fail('reachable', `${config.baseUrl} could not be reached ${route}: ${answer.code}: ${answer.message}`, fix), reachable: false, version: undefined, answer: undefined };
  }
  const body = jsonObject(answer.body);
  const version = typeof body?.['version'] === 'string' ? body['version'] : undefined;
  if (answer.status !== 200 || version === undefined) {
    const what = answer.status === 200 ? 'answered without a version' : `answered ${answer.status}`;
    return {
      check: fail('reachable', `${url.href} ${what} (reached ${route})`, `Check that LANGFUSE_BASE_URL (${config.baseUrl}) is the Langfuse server's base URL (no /api path), and that the server is healthy`),
      reachable: answer.status !== 404 && answer.status < 500,
      version,
      answer,
    };
  }
  return { check: ok('reachable', `${config.baseUrl} answered ${route}: Langfuse ${version} (status ${String(body?.['status'] ?? 'unknown')})`), reachable: true, version, answer };
}

/**
 * Keys accepted: `GET /api/public/projects` (authenticated; it names the project the keys belong to). A server
 * without that route gets an empty ingestion batch, which every version authenticates.
 */
export async function checkAuth(config: ResolvedExporterConfig, timeoutMs: number): Promise<{ check: LangfuseCheck; projectId?: string }> {
  const auth = { username: config.publicKey, password: config.secretKey };
  const headers = config.additionalHeaders;
  let answer = await probe({ url: endpoint(config, '/api/public/projects'), method: 'GET', auth, headers, network: config.network, timeoutMs });
  let project: { id?: string; name?: string } | undefined;
  if (answer.kind === 'response' && answer.status === 200) {
    const data = jsonObject(answer.body)?.['data'];
    const first: unknown = Array.isArray(data) ? data[0] : undefined;
    if (typeof first === 'object' && first !== null) project = first as { id?: string; name?: string };
  } else if (answer.kind === 'response' && (answer.status === 404 || answer.status === 405)) {
    answer = await probe({
      url: endpoint(config, '/api/public/ingestion'),
      method: 'POST',
      auth,
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{"batch":[]}',
      network: config.network,
      timeoutMs,
    });
  }
  const key = `public key ${config.publicKey.slice(0, 12)}…`;
  if (answer.kind === 'error') {
    return { check: fail('auth', `the keys could not be checked: ${answer.code}: ${answer.message}`, `Check that ${config.baseUrl} answers authenticated requests${networkHint(answer.code, answer.message)}`) };
  }
  if (answer.status === 401 || answer.status === 403) {
    return {
      check: fail(
        'auth',
        `the server refused the keys (${answer.status}) for ${key}`,
        'Copy both keys again from the project settings (Settings > API Keys) of this server: public and secret key must belong to the same project, and a key of one region (cloud.langfuse.com is EU, us.cloud.langfuse.com is US) or instance is unknown to another',
      ),
    };
  }
  if (answer.status >= 300) {
    return { check: fail('auth', `the keys could not be checked: the server answered ${answer.status}`, `Check that ${config.baseUrl} is a Langfuse server and that it is healthy`) };
  }
  const name = project?.name !== undefined ? ` (project "${project.name}")` : '';
  return { check: ok('auth', `the keys are accepted${name}`), ...(typeof project?.id === 'string' ? { projectId: project.id } : {}) };
}

/** The server's `Date` against this machine's clock, at the middle of the request. */
export function checkClock(answer: HealthFacts['answer']): LangfuseCheck {
  const date = answer?.headers.date;
  const serverTime = date ? Date.parse(date) : Number.NaN;
  if (answer === undefined || !Number.isFinite(serverTime)) return warn('clock', 'the server sent no Date header: clock skew unknown', 'Keep this machine synchronised with NTP');
  // `Date` has whole seconds: up to one second of the difference is its rounding.
  const skew = serverTime + 500 - (answer.sentAt + answer.answeredAt) / 2;
  const seconds = `${skew > 0 ? 'behind' : 'ahead of'} the server by ${(Math.abs(skew) / 1000).toFixed(1)} s`;
  if (Math.abs(skew) <= CLOCK_WARN_MS) return ok('clock', `this machine's clock agrees with the server's (within ${CLOCK_WARN_MS / 1000} s)`);
  const fix = 'Synchronise this machine\'s clock (NTP): Langfuse keeps the timestamps the exporter sends, so traces show at the wrong time, and far-off ones outside the time range the UI shows';
  return Math.abs(skew) > CLOCK_FAIL_MS ? fail('clock', `this machine's clock is ${seconds}`, fix) : warn('clock', `this machine's clock is ${seconds}`, fix);
}
