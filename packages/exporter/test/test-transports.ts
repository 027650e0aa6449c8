import { afterEach } from 'vitest';
import { HttpTransport, type HttpTransportOptions } from '../src/delivery/http/http-transport.js';

/**
 * HttpTransports for a test file, shut down after each test: `transportTo(url, options)` gives one with quick retries
 * and the options a test does not care about filled in.
 */
export function useTestTransports(): (url: URL, options?: Partial<HttpTransportOptions>) => HttpTransport {
  const transports: HttpTransport[] = [];
  afterEach(() => {
    for (const transport of transports.splice(0)) transport.shutdown();
  });
  return (url, options = {}) => {
    const transport = new HttpTransport({
      url,
      username: 'pk',
      password: 'sk',
      headers: { 'content-type': 'application/json' },
      requestTimeoutMs: 10_000,
      maxRetries: 0,
      maxSockets: 2,
      retry: { initialDelayMs: 5, maxDelayMs: 20 },
      maxRetryAfterMs: 1_000,
      ...options,
    });
    transports.push(transport);
    return transport;
  };
}
