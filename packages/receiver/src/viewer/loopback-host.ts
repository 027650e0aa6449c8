import type { IncomingMessage } from 'node:http';

/**
 * Whether a request to a receiver listening on loopback names a loopback host. A page on another site can point its
 * own domain at 127.0.0.1 (DNS rebinding) and then read same-origin from the receiver; its requests still carry that
 * domain in Host, so the viewer and the read API refuse them. A missing Host (HTTP/1.0 tools) is allowed.
 */
export function namesLoopbackHost(req: IncomingMessage): boolean {
  const host = req.headers.host;
  if (host === undefined || host === '') return true;
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d*$/, '');
  return isLoopbackName(name.toLowerCase());
}

export function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}
