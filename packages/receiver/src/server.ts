import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { jsonReply, messageReply, sendReply, type Reply } from './http/http-reply.js';
import { INGESTION_PATH } from './ingestion/ingestion-handler.js';
import { OTLP_TRACES_PATH } from './otlp/otlp-handler.js';
import { READ_API_PREFIX } from './http/read-api.js';
import { PROJECTS_PATH } from './http/projects-api.js';
import type { RequestEndpoint, RequestLog, RequestRecord } from './http/request-log.js';

export const HEALTH_PATH = '/api/public/health';

export interface ReceiverRoutes {
  requestLog: RequestLog;
  /** Counts a request that is recorded (everything but the read API). */
  countRequest(): void;
  ingestion(req: IncomingMessage, res: ServerResponse, record: RequestRecord): Promise<void>;
  /** Undefined when the imitated server has no OTLP endpoint: the path then answers 404. */
  otlp: ((req: IncomingMessage, res: ServerResponse, record: RequestRecord) => Promise<void>) | undefined;
  health(): Reply;
  /** `GET /api/public/projects`, given the request's Authorization header. */
  projects(authorization: string | undefined): Reply;
  readApi(method: string | undefined, url: URL): Reply;
  /** The media API and its upload/download URLs; resolves false for other paths. */
  media?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  /**
   * With keys configured: checks access to the viewer and the read API; false when it has answered the request
   * (401, or the redirect of a one-time link). Undefined when both are open.
   */
  gate?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;
  /** The browser trace viewer; undefined when it is turned off (`ui: false`). Returns false for other paths. */
  viewer: ((req: IncomingMessage, res: ServerResponse, pathname: string) => boolean) | undefined;
}

export function createReceiverServer(routes: ReceiverRoutes): Server {
  return createServer((req, res) => {
    route(req, res, routes).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      sendReply(res, messageReply(500, `Receiver error: ${message}`));
    });
  });
}

async function route(req: IncomingMessage, res: ServerResponse, routes: ReceiverRoutes): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://receiver.invalid');
  if (routes.gate && !routes.gate(req, res, url)) return;
  if (routes.viewer?.(req, res, url.pathname)) return;
  if (routes.media && (await routes.media(req, res, url))) return;
  if (url.pathname.startsWith(READ_API_PREFIX)) {
    sendReply(res, routes.readApi(req.method, url));
    return;
  }
  const record = routes.requestLog.start(req, endpointOf(url.pathname));
  routes.countRequest();
  res.on('finish', () => {
    record.status = res.statusCode;
  });
  switch (url.pathname) {
    case INGESTION_PATH:
      if (req.method !== 'POST') {
        sendReply(res, methodNotAllowed('POST'));
        return;
      }
      await routes.ingestion(req, res, record);
      return;
    case OTLP_TRACES_PATH:
      if (routes.otlp === undefined) break;
      if (req.method !== 'POST') {
        sendReply(res, methodNotAllowed('POST'));
        return;
      }
      await routes.otlp(req, res, record);
      return;
    case HEALTH_PATH:
      sendReply(res, req.method === 'GET' || req.method === 'HEAD' ? routes.health() : methodNotAllowed('GET, HEAD'));
      return;
    case PROJECTS_PATH:
      sendReply(res, req.method === 'GET' ? routes.projects(req.headers.authorization) : methodNotAllowed('GET'));
      return;
  }
  sendReply(res, messageReply(404, `Not found: ${url.pathname}`));
}

function endpointOf(pathname: string): RequestEndpoint {
  switch (pathname) {
    case INGESTION_PATH:
      return 'ingestion';
    case OTLP_TRACES_PATH:
      return 'otlp';
    case HEALTH_PATH:
      return 'health';
    default:
      return 'other';
  }
}

function methodNotAllowed(allow: string): Reply {
  return jsonReply(405, { message: 'Method Not Allowed' }, { allow });
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('the receiver is not listening on a TCP port'));
        return;
      }
      resolve(address.port);
    });
  });
}

/** Stops accepting connections and destroys open ones, including requests that never got an answer. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
