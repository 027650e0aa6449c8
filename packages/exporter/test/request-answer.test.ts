import { describe, expect, it } from 'vitest';
import { ComponentLogger } from '../src/diagnostics/component-logger.js';
import type { TransportResult } from '../src/delivery/http/http-transport.js';
import { readRequestAnswer } from '../src/delivery/request-answer.js';

const request = { endpoint: 'http://127.0.0.1/api/public/ingestion', count: 2, unit: 'events' };
const answer = (status: number, body: string, contentType = 'application/json'): TransportResult => ({ kind: 'response', status, headers: { 'content-type': contentType }, body });

describe('readRequestAnswer', () => {
  it('a 2xx HTML page (proxy, captive portal) is not a delivery: invalid-response, whatever the Content-Type says', () => {
    const log = new ComponentLogger('test');
    for (const body of ['<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>', '\n  <html><head><title>Proxy</title></head></html>']) {
      expect(readRequestAnswer(answer(200, body, 'application/json'), request, log)).toEqual({ kind: 'settled', outcome: { kind: 'dropped', reason: 'invalid-response' } });
    }
  });

  it('a 2xx JSON answer under a lying Content-Type, an empty body or protobuf bytes starting with "\\n<" are accepted', () => {
    const log = new ComponentLogger('test');
    for (const body of ['{}', '', '\n<\u0008\u0001']) {
      expect(readRequestAnswer(answer(200, body, 'text/html'), request, log)).toEqual({ kind: 'settled', outcome: { kind: 'accepted' } });
    }
  });

  it('an answer too large to read is unknown, counted as response-too-large', () => {
    const result: TransportResult = { kind: 'error', reason: 'response-too-large', code: 'RESPONSE_TOO_LARGE', message: 'past the cap' };
    expect(readRequestAnswer(result, request, new ComponentLogger('test'))).toEqual({ kind: 'unknown', outcome: { kind: 'dropped', reason: 'response-too-large' } });
  });
});
