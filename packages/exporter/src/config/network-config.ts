import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { quoteValue } from './quote-value.js';

type Env = Readonly<Record<string, string | undefined>>;

/** One proxy and the setting it came from (an option or variable name, for messages). */
export interface ProxyChoice {
  /** May hold `user:pass@`: never log it; see {@link redactProxyUrl}. */
  url: URL;
  source: string;
}

/**
 * How requests reach Langfuse. `direct`: no proxy. `explicit`: every request through one proxy. `env`: as Node's
 * own `NODE_USE_ENV_PROXY` does, `https_proxy`/`HTTPS_PROXY` for https URLs, `http_proxy`/`HTTP_PROXY` for http
 * ones (lowercase first), hosts in `no_proxy`/`NO_PROXY` direct.
 */
export type ProxyRoute =
  | { kind: 'direct' }
  | { kind: 'explicit'; proxy: ProxyChoice }
  | { kind: 'env'; http: ProxyChoice | undefined; https: ProxyChoice | undefined; noProxy: readonly string[] };

export interface NetworkConfig {
  proxy: ProxyRoute;
  /** Certificates trusted on top of Node's default ones (PEM); undefined: Node's defaults only. */
  ca: readonly (string | Buffer)[] | undefined;
  insecureSkipTlsVerify: boolean;
}

/** The options read here, as given (checked here, so any value is accepted). */
export interface NetworkOptions {
  proxy?: unknown;
  ca?: unknown;
  insecureSkipTlsVerify?: unknown;
}

export const DIRECT_NETWORK: NetworkConfig = { proxy: { kind: 'direct' }, ca: undefined, insecureSkipTlsVerify: false };

/** `http://proxy.corp:3128` without credentials, path or query: what messages may show of a proxy URL. */
export function redactProxyUrl(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/** A proxy URL Node's env-proxy support would use (http:// or https://), or why not; never echoes credentials. */
function parseProxyUrl(raw: string, source: string): { proxy?: ProxyChoice; problem?: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: `${source} is invalid (not a URL)` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { problem: `${source} ${redactProxyUrl(url)} is invalid (only http:// and https:// proxies are supported)` };
  }
  return { proxy: { url, source } };
}

/** The first set variable of `names` (Node reads the lowercase name first), parsed; a bad value is warned about and unused. */
function envProxy(env: Env, names: readonly string[], warnings: string[]): ProxyChoice | undefined {
  const source = names.find((name) => env[name]?.trim());
  if (source === undefined) return undefined;
  const { proxy, problem } = parseProxyUrl(env[source]!.trim(), source);
  if (problem) warnings.push(`${problem}; connecting directly`);
  return proxy;
}

function resolveProxy(option: unknown, env: Env, warnings: string[]): ProxyRoute {
  if (option === false) return { kind: 'direct' };
  if (typeof option === 'string' && option.trim()) {
    const { proxy, problem } = parseProxyUrl(option.trim(), 'proxy');
    if (proxy) return { kind: 'explicit', proxy };
    warnings.push(`${problem}; using the environment's proxy settings`);
  } else if (option !== undefined && typeof option !== 'string') {
    warnings.push(`proxy ${quoteValue(option)} is invalid (must be a proxy URL or false); using the environment's proxy settings`);
  }
  const langfuseProxy = env['LANGFUSE_PROXY']?.trim();
  if (langfuseProxy?.toLowerCase() === 'off') return { kind: 'direct' };
  if (langfuseProxy) {
    const { proxy, problem } = parseProxyUrl(langfuseProxy, 'LANGFUSE_PROXY');
    if (proxy) return { kind: 'explicit', proxy };
    warnings.push(`${problem}; using HTTPS_PROXY/HTTP_PROXY`);
  }
  const noProxy = (env['no_proxy'] || env['NO_PROXY'] || '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  return {
    kind: 'env',
    http: envProxy(env, ['http_proxy', 'HTTP_PROXY'], warnings),
    https: envProxy(env, ['https_proxy', 'HTTPS_PROXY'], warnings),
    noProxy,
  };
}

const isCertificate = (value: unknown): value is string | Buffer => typeof value === 'string' || Buffer.isBuffer(value);

/** The `ca` option, else the file named by `LANGFUSE_CA_FILE`; PEM that Node cannot read is warned about and unused. */
function resolveCa(option: unknown, env: Env, warnings: string[]): (string | Buffer)[] | undefined {
  let ca: (string | Buffer)[] | undefined;
  let source = 'ca';
  if (option !== undefined) {
    const list: unknown[] = Array.isArray(option) ? option : [option];
    if (list.length > 0 && list.every(isCertificate)) ca = list;
    else warnings.push(`ca ${quoteValue(option)} is invalid (must be PEM text, a Buffer, or an array of them); using Node's trusted CAs only`);
  } else {
    const file = env['LANGFUSE_CA_FILE']?.trim();
    if (!file) return undefined;
    source = `LANGFUSE_CA_FILE ${JSON.stringify(file)}`;
    try {
      ca = [readFileSync(file)];
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'unreadable';
      warnings.push(`${source} could not be read (${code}); using Node's trusted CAs only`);
      return undefined;
    }
  }
  if (ca === undefined) return undefined;
  try {
    // Node skips text that is not PEM without a word: a bundle must hold at least one certificate.
    if (!ca.every((pem) => pem.toString().includes('-----BEGIN CERTIFICATE-----'))) throw new Error('no BEGIN CERTIFICATE line');
    createSecureContext({ ca });
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 120) : 'unreadable';
    warnings.push(`${source} is invalid (not PEM certificates: ${reason}); using Node's trusted CAs only`);
    return undefined;
  }
  return ca;
}

function resolveInsecure(option: unknown, warnings: string[]): boolean {
  if (option === undefined || option === false) return false;
  if (option !== true) {
    warnings.push(`insecureSkipTlsVerify ${quoteValue(option)} is invalid (must be true or false); using false`);
    return false;
  }
  warnings.push(
    "insecureSkipTlsVerify is on: the server's TLS certificate is not checked, so anyone on the network path can read " +
      'the keys and the traces or pose as the server. Use it only for a local self-signed setup; give the CA with the ca option otherwise',
  );
  return true;
}

/** Proxy, trusted CAs and certificate checking, from options and environment. Never throws. */
export function resolveNetworkConfig(options: NetworkOptions, env: Env, warnings: string[]): NetworkConfig {
  return {
    proxy: resolveProxy(options.proxy, env, warnings),
    ca: resolveCa(options.ca, env, warnings),
    insecureSkipTlsVerify: resolveInsecure(options.insecureSkipTlsVerify, warnings),
  };
}
