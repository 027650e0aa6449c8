import type { IncomingMessage } from 'node:http';

const IPV6_HOST = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/;
const NAME_HOST = /^([^:[\]]+)(?::\d{1,5})?$/;
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * The name in a Host header (`name[:port]`, `[v6][:port]`), lower-case, without a trailing dot; undefined when the
 * header is not of that shape (e.g. `[::1]evil.example`).
 */
export function hostName(header: string): string | undefined {
  const value = header.toLowerCase();
  const v6 = IPV6_HOST.exec(value);
  if (v6) return `[${v6[1]!}]`;
  const name = NAME_HOST.exec(value)?.[1];
  return name?.endsWith('.') ? name.slice(0, -1) : name;
}

/**
 * The DNS rebinding guard of the viewer and the read API, on any interface the receiver listens on: a page on another
 * site can point its own domain at the receiver's address and then read same-origin from it, but its requests still
 * carry that domain in Host. So Host must be an IP literal (v4, or v6 in brackets), a loopback name (`localhost`,
 * `*.localhost`) or one of `allowedHosts` (names a proxy that rewrites Host puts there). A missing Host (HTTP/1.0
 * tools) is allowed; a malformed one is not.
 */
export class RebindingGuard {
  private readonly allowed: ReadonlySet<string>;

  constructor(allowedHosts: readonly string[]) {
    this.allowed = new Set(allowedHosts.map((name) => name.toLowerCase().replace(/\.$/, '')));
  }

  admits(req: IncomingMessage): boolean {
    const header = req.headers.host;
    if (header === undefined || header === '') return true;
    const name = hostName(header);
    if (name === undefined) return false;
    return name.startsWith('[') || IPV4.test(name) || isLoopbackName(name) || this.allowed.has(name);
  }
}

export function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost');
}
