import type { IncomingMessage } from 'node:http';

export type BodyReadResult =
  | { kind: 'complete'; body: Buffer }
  /** The body is larger than allowed; reading stopped after `bytesRead` bytes. */
  | { kind: 'too-large'; bytesRead: number };

/** Reads a request body, giving up as soon as it is known to exceed maxBytes. Rejects if the client goes away. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyReadResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.resolve({ kind: 'too-large', bytesRead: 0 });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytesRead = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      bytesRead += chunk.length;
      if (bytesRead > maxBytes) {
        cleanup();
        req.pause();
        resolve({ kind: 'too-large', bytesRead });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ kind: 'complete', body: Buffer.concat(chunks, bytesRead) });
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('client closed the connection before sending the whole body'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
