import http, { type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import https from 'node:https';

type EndCallback = (error?: Error | null) => void;

/**
 * got's `request` function: `http.request` / `https.request` (by the URL's protocol), except that a request which has
 * already emitted `'error'` never calls back its `end()` with a second error.
 *
 * Since Node 24.20, a connection that fails (refused, reset before connecting) reports the failure twice: the
 * `'error'` event, which got retries, then `ERR_SOCKET_CLOSED_BEFORE_CONNECTION` through the `end()` callback, which
 * got turns into the final error of the whole request while its retry is waiting. So a refused connection was tried
 * once, under the wrong name. Before Node 24.20 that callback was never called for a failed request; this restores
 * that. An error in the `end()` callback of a request that has not failed otherwise still reaches got.
 */
export function settledEndRequest(url: URL, options: RequestOptions, callback?: (response: IncomingMessage) => void): ClientRequest {
  const request = (url.protocol === 'https:' ? https : http).request(url, options, callback);
  let failed = false;
  request.prependListener('error', () => {
    failed = true;
  });
  const end = request.end;
  request.end = function endOnce(this: ClientRequest, ...args: unknown[]): ClientRequest {
    const last = args.length - 1;
    const given = args[last];
    if (typeof given === 'function') {
      const done = given as EndCallback;
      args[last] = (error?: Error | null) => {
        if (error && failed) return;
        done(error);
      };
    }
    return (end as (...a: unknown[]) => ClientRequest).apply(this, args);
  } as ClientRequest['end'];
  return request;
}
