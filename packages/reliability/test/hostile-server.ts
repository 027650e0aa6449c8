import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createGzip } from 'node:zlib';

/** What a hostile server saw of one request. */
export interface HostileRequest {
  path: string;
  /** Whether the request carried credentials (the Authorization header). */
  authorized: boolean;
  /** Envelope ids of the legacy batch (empty on OTLP). */
  ids: string[];
}

/** How a hostile server answers a request, given the envelope ids of its legacy batch. */
export type HostileAnswer = (res: ServerResponse, ids: string[], server: HostileServer) => void;

/** A loopback HTTP server answering every request the same hostile way, and recording what it was sent. */
export class HostileServer {
  readonly requests: HostileRequest[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(answer: HostileAnswer, host = '127.0.0.1'): Promise<HostileServer> {
    let self: HostileServer | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const ids = batchIds(req, Buffer.concat(chunks));
        self!.requests.push({ path: req.url ?? '', authorized: req.headers.authorization !== undefined, ids });
        res.on('error', () => {});
        answer(res, ids, self!);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no port');
    self = new HostileServer(server, `http://${host}:${address.port}`);
    return self;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function batchIds(req: IncomingMessage, body: Buffer): string[] {
  if (!req.url?.startsWith('/api/public/ingestion')) return [];
  try {
    const { batch } = JSON.parse(body.toString('utf8')) as { batch: { id: string }[] };
    return batch.map((event) => event.id);
  } catch {
    return [];
  }
}

const MiB = 1024 * 1024;

/** Writes `chunk` as fast as the client reads, until it goes away. */
export function writeForever(res: ServerResponse, chunk: Buffer): void {
  const write = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', write);
  };
  write();
}

/** One byte every `everyMs`, until the client goes away. */
export function drip(res: ServerResponse, everyMs: number): void {
  const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('{')), everyMs);
  res.on('close', () => clearInterval(timer));
}

/** Gzip of `mib` MiB of zeros, made a MiB at a time (the compressed bomb is ~1/1000 of that). */
export async function gzipBomb(mib: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(MiB);
  for (let i = 0; i < mib; i++) {
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(chunks);
}

/** A plain TCP server where `https://` expects TLS: it answers the ClientHello with plain HTTP and hangs up. */
export async function startNotTls(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server: TcpServer = createTcpServer((socket) => {
    connections++;
    socket.on('error', () => {});
    socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return {
    url: `https://127.0.0.1:${address.port}`,
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
