import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';

/** The part of Node's Agent this class hooks that @types/node leaves out. */
interface AgentInternals {
  addRequest(request: http.ClientRequest, options: http.ClientRequestArgs): void;
}

/** `Basic ...` for a proxy URL's `user:pass@`, or undefined without one. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username && !proxy.password) return undefined;
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

/**
 * Sends plain-http requests to a forward proxy, as Node's env-proxy support does: the request line in absolute form
 * (`POST http://host:port/path`), `Proxy-Authorization` from the proxy URL, sockets to the proxy kept alive and
 * pooled like any agent's. (Not a CONNECT tunnel: egress proxies often allow CONNECT to port 443 only.)
 */
export class ForwardProxyAgent extends http.Agent {
  private readonly authorization: string | undefined;

  constructor(
    private readonly proxy: URL,
    options: http.AgentOptions,
    /** For an https:// proxy's own handshake. */
    private readonly tlsOptions: tls.ConnectionOptions = {},
  ) {
    super(options);
    this.authorization = proxyAuthorization(proxy);
  }

  // Node calls this from the request's constructor, before anything is written: the head is still open to change.
  addRequest(request: http.ClientRequest, options: http.ClientRequestArgs): void {
    const host = options.host ?? options.hostname ?? 'localhost';
    const authority = `${net.isIPv6(host) ? `[${host}]` : host}${options.port && Number(options.port) !== 80 ? `:${options.port}` : ''}`;
    if (!request.headersSent) {
      request.path = `http://${authority}${request.path}`;
      if (this.authorization) request.setHeader('proxy-authorization', this.authorization);
    }
    (http.Agent.prototype as unknown as AgentInternals).addRequest.call(this, request, options);
  }

  override createConnection(): net.Socket {
    const host = this.proxy.hostname.replace(/^\[|\]$/g, '');
    if (this.proxy.protocol === 'https:') {
      return tls.connect({ ...this.tlsOptions, host, port: Number(this.proxy.port) || 443, servername: net.isIP(host) ? undefined : host });
    }
    return net.connect({ host, port: Number(this.proxy.port) || 80 });
  }
}
