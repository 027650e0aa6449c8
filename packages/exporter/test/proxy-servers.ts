import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface LoopbackProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Absolute-URI requests it forwarded (plain http through a forward proxy). */
  readonly forwarded: { method: string; url: string; proxyAuthorization: string | undefined }[];
  /** CONNECT tunnels it opened, by target `host:port`. */
  readonly tunnels: { target: string; proxyAuthorization: string | undefined }[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy on loopback, as an egress proxy works: forwards absolute-URI requests (`POST http://host/path`) and
 * opens CONNECT tunnels, counting both. With `requireAuth`, anything without that Proxy-Authorization gets 407.
 */
export async function startLoopbackProxy(options: { requireAuth?: string } = {}): Promise<LoopbackProxy> {
  const forwarded: LoopbackProxy['forwarded'] = [];
  const tunnels: LoopbackProxy['tunnels'] = [];
  const sockets = new Set<net.Socket>();
  const refused = (auth: string | undefined) => options.requireAuth !== undefined && auth !== options.requireAuth;

  const server = http.createServer((req, res) => {
    const proxyAuthorization = req.headers['proxy-authorization'];
    forwarded.push({ method: req.method ?? '', url: req.url ?? '', proxyAuthorization });
    if (refused(proxyAuthorization)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="egress"' }).end();
      return;
    }
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const proxyAuthorization = req.headers['proxy-authorization'];
    tunnels.push({ target: req.url ?? '', proxyAuthorization });
    sockets.add(client);
    if (refused(proxyAuthorization)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="egress"\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    const end = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', end).on('close', end);
    client.on('error', end).on('close', end);
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    tunnels,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface TestCertificates {
  /** The private CA's certificate (PEM): what a client must trust. */
  caCert: string;
  /** A server certificate for 127.0.0.1 / localhost, signed by the CA, and its key. */
  serverCert: string;
  serverKey: string;
}

/** A throwaway CA and a server certificate it signed, made at test time. */
export async function makeCertificates(): Promise<TestCertificates> {
  const notAfterDate = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  const ca = await generate([{ name: 'commonName', value: 'otel-langfuse test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
  });
  return { caCert: ca.cert, serverCert: server.cert, serverKey: server.private };
}

export interface TlsFront {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** TLS handshakes completed. */
  handshakes(): number;
  close(): Promise<void>;
}

/** Terminates TLS with the given certificate on loopback and passes the bytes to a plain HTTP server's port. */
export async function startTlsFront(backendPort: number, certificates: TestCertificates): Promise<TlsFront> {
  let handshakes = 0;
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ key: certificates.serverKey, cert: certificates.serverCert }, (client) => {
    handshakes++;
    const backend = net.connect(backendPort, '127.0.0.1');
    sockets.add(client).add(backend);
    const end = () => {
      client.destroy();
      backend.destroy();
    };
    client.on('error', end).on('close', end);
    backend.on('error', end).on('close', end);
    client.pipe(backend).pipe(client);
  });
  // Failed handshakes (an untrusted certificate) are what some tests expect: not an error here.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    handshakes: () => handshakes,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
