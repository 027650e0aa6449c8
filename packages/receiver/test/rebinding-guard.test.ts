import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/cli/cli-args.js';
import { startReceiver, type Receiver } from '../src/index.js';
import { traceCreate } from './event-builders.js';
import { basicAuth, INGESTION } from './ingestion-client.js';
import { OTLP } from './otlp-client.js';
import { useReceiver } from './use-receiver.js';

// The DNS rebinding guard over HTTP: the viewer and the read API answer only to an IP literal, a loopback name or an
// allowed name in Host, whatever interface the receiver listens on; ingestion, OTLP and the public API take any Host.

/** A request over loopback to the receiver's port with this Host header; resolves with the status. */
function withHost(receiver: Receiver, path: string, host: string, method = 'GET', body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host, authorization: basicAuth(receiver.publicKey, receiver.secretKey) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const req = request({ host: '127.0.0.1', port: receiver.port, path, method, headers }, (response) => {
      resolve(response.statusCode ?? 0);
      response.destroy();
    });
    req.on('error', reject);
    req.end(body);
  });
}

const VIEWER_PATHS = ['/', '/viewer/app.js', '/api/receiver/events', '/api/receiver/trace-rows', '/api/receiver/live', '/project/local-project/traces/t-1'];

describe('listening on every interface (0.0.0.0)', () => {
  const receiver = useReceiver({ host: '0.0.0.0' });

  it('refuses a DNS name other than a loopback name in Host for the viewer and the read API', async () => {
    for (const path of VIEWER_PATHS) {
      for (const host of ['attacker.example', `attacker.example:${receiver().port}`, 'rebind.attacker.example.', 'intranet']) {
        expect(await withHost(receiver(), path, host), `${path} ${host}`).toBe(403);
      }
    }
  });

  it('serves the viewer and the read API to an IP literal or a loopback name in Host', async () => {
    const port = receiver().port;
    for (const host of [`127.0.0.1:${port}`, `192.168.1.20:${port}`, '10.0.0.7', `[::1]:${port}`, '[fe80::1]', `localhost:${port}`, 'app.localhost', 'LOCALHOST.']) {
      expect(await withHost(receiver(), '/api/receiver/events', host), host).toBe(200);
    }
  });

  it('leaves ingestion, OTLP and the public API alone: SDKs send whatever Host they were configured with', async () => {
    const batch = JSON.stringify({ batch: [traceCreate({ id: 'any-host' })] });
    expect(await withHost(receiver(), INGESTION, 'langfuse.example', 'POST', batch)).toBe(207);
    expect(await withHost(receiver(), OTLP, 'langfuse.example', 'POST', JSON.stringify({ resourceSpans: [] }))).toBe(200);
    expect(await withHost(receiver(), '/api/public/health', 'langfuse.example')).toBe(200);
    expect(await withHost(receiver(), '/api/public/projects', 'langfuse.example')).toBe(200);
  });
});

describe('the Host header is parsed strictly', () => {
  const receiver = useReceiver();

  it('refuses a Host with anything after the bracketed IPv6 address or the port', async () => {
    for (const host of ['[::1]evil.example', '[::1]:80evil.example', '[::1]]', '[::1', 'localhost:80:80', 'localhost:port', '[evil.example]', '127.0.0.1:99999999']) {
      expect(await withHost(receiver(), '/api/receiver/events', host), host).toBe(403);
    }
  });
});

describe('allowedHosts', () => {
  const receiver = useReceiver({ host: '0.0.0.0', allowedHosts: ['Receiver.Proxy.example'] });

  it('serves the viewer and the read API to an allowed name (any case, any port), still not to other names', async () => {
    expect(await withHost(receiver(), '/api/receiver/events', 'receiver.proxy.example')).toBe(200);
    expect(await withHost(receiver(), '/', 'RECEIVER.PROXY.EXAMPLE:8443')).toBe(200);
    expect(await withHost(receiver(), '/api/receiver/events', 'proxy.example')).toBe(403);
    expect(await withHost(receiver(), '/api/receiver/events', 'evil.receiver.proxy.example')).toBe(403);
  });

  it('comes from --allow-host, repeatable; a name with a port or brackets is refused', async () => {
    const command = parseCliArgs(['--allow-host', 'a.example', '--allow-host', 'b.example']);
    expect(command.kind === 'serve' && command.options.allowedHosts).toEqual(['a.example', 'b.example']);
    await expect(startReceiver({ allowedHosts: ['a.example:80'] })).rejects.toThrow(/allowedHosts/);
    await expect(startReceiver({ allowedHosts: ['[::1]'] })).rejects.toThrow(/allowedHosts/);
  });
});
