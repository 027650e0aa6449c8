import { STATUS_CODES, type ServerResponse } from 'node:http';

/** A response decided by a handler, sent later (possibly after a fault delay). */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
  /** Close the connection once the response is written (the request body was not read to its end). */
  closeConnection?: boolean;
}

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function textReply(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body };
}

export function messageReply(status: number, message: string = STATUS_CODES[status] ?? `HTTP ${status}`): Reply {
  return jsonReply(status, { message });
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = {
    ...reply.headers,
    'content-length': Buffer.byteLength(reply.body),
  };
  if (reply.closeConnection) headers.connection = 'close';
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}
