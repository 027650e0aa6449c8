import { isIPv4 } from 'node:net';
import type { ProxyChoice, ProxyRoute } from '../../config/network-config.js';

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

/**
 * Whether a NO_PROXY entry sends `host` direct, as Node's env-proxy support decides: `*`; the host, or host:port;
 * `.example.com` and `*.example.com` for its subdomains (`.example.com` also for example.com itself); an IPv4 range
 * `10.0.0.1-10.0.0.255`. A plain `example.com` is that host only. Loopback is not special: list it to bypass.
 * Unlike Node, `.example.com` never matches `notexample.com` (a suffix counts at a dot, as in curl).
 */
function bypasses(entry: string, host: string, port: string): boolean {
  if (entry === '*' || entry === host || entry === `${host}:${port}`) return true;
  if (entry.startsWith('*.')) return host.endsWith(entry.slice(1));
  if (entry.startsWith('.')) return host === entry.slice(1) || host.endsWith(entry);
  const [start, end, ...rest] = entry.split('-').map((part) => part.trim());
  if (rest.length === 0 && start && end && isIPv4(start) && isIPv4(end) && isIPv4(host)) {
    const value = ipv4ToNumber(host);
    return value >= ipv4ToNumber(start) && value <= ipv4ToNumber(end);
  }
  return false;
}

/** The proxy a request to `target` goes through, or undefined for a direct connection. */
export function proxyFor(target: URL, route: ProxyRoute): ProxyChoice | undefined {
  if (route.kind === 'direct') return undefined;
  if (route.kind === 'explicit') return route.proxy;
  const proxy = target.protocol === 'https:' ? route.https : target.protocol === 'http:' ? route.http : undefined;
  if (proxy === undefined) return undefined;
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port || DEFAULT_PORTS[target.protocol] || '';
  return route.noProxy.some((entry) => bypasses(entry, host, port)) ? undefined : proxy;
}
