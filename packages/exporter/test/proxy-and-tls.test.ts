import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportSpans, exporterFor, makeSpans, succeeded, useExporterTestBed } from './helpers.js';
import { makeCertificates, startLoopbackProxy, startTlsFront, type LoopbackProxy, type TestCertificates, type TlsFront } from './proxy-servers.js';
import type { LangfuseExporterOptions } from '../src/index.js';

const { receiver, logs } = useExporterTestBed({ receiver: { secretKey: 'sk-lf-proxy-secret-0123456789' }, captureDiag: true });

const PROXY_PASSWORD = 'proxy-pass-never-logged';
/** A port nothing listens on: a request sent there fails, so a test passes only if the exporter stayed off it. */
const DEAD_PROXY = 'http://127.0.0.1:9';
const TRANSPORTS = ['ingestion', 'otlp'] as const;

let proxy: LoopbackProxy;
let certificates: TestCertificates;
let front: TlsFront;

beforeAll(async () => {
  proxy = await startLoopbackProxy();
  certificates = await makeCertificates();
  front = await startTlsFront(receiver().port, certificates);
});
afterAll(async () => {
  await proxy.close();
  await front.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
  proxy.forwarded.length = 0;
  proxy.tunnels.length = 0;
});

/** No proxy variable from the machine running the tests leaks in. */
function clearProxyEnv(): void {
  for (const name of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy', 'LANGFUSE_PROXY', 'LANGFUSE_CA_FILE']) {
    vi.stubEnv(name, '');
  }
}

/** Exports `exports` batches of 2 spans, one after the other, and returns the results. */
async function exportThrough(options: LangfuseExporterOptions, exports = 1): Promise<boolean[]> {
  const exporter = exporterFor(receiver(), options);
  const results: boolean[] = [];
  for (let i = 0; i < exports; i++) results.push(succeeded(await exportSpans(exporter, makeSpans(2))));
  await exporter.shutdown();
  return results;
}

const observations = () => receiver().events().filter((event) => event.type !== 'trace-create');
const endpointOf = (transport: (typeof TRANSPORTS)[number]) => (transport === 'ingestion' ? '/api/public/ingestion' : '/api/public/otel/v1/traces');
const proxyWithPassword = () => proxy.url.replace('http://', `http://team:${PROXY_PASSWORD}@`);

describe.each(TRANSPORTS)('through a forward proxy (%s)', (transport) => {
  it('sends plain-http requests as absolute URIs through HTTP_PROXY, with its credentials, never logged', async () => {
    clearProxyEnv();
    vi.stubEnv('HTTP_PROXY', proxyWithPassword());
    expect(await exportThrough({ transport }, 2)).toEqual([true, true]);
    expect(observations()).toHaveLength(4);
    expect(proxy.forwarded).toHaveLength(2);
    expect(proxy.forwarded[0]).toEqual({
      method: 'POST',
      url: `${receiver().url}${endpointOf(transport)}`,
      proxyAuthorization: `Basic ${Buffer.from(`team:${PROXY_PASSWORD}`).toString('base64')}`,
    });
    expect(proxy.tunnels).toHaveLength(0);
    expect(logs().text()).not.toContain(PROXY_PASSWORD);
  });

  it('takes http_proxy before HTTP_PROXY, as Node does', async () => {
    clearProxyEnv();
    vi.stubEnv('http_proxy', proxy.url);
    vi.stubEnv('HTTP_PROXY', DEAD_PROXY);
    expect(await exportThrough({ transport })).toEqual([true]);
    expect(proxy.forwarded).toHaveLength(1);
  });
});

describe.each(TRANSPORTS)('through a CONNECT proxy to an https server with a private CA (%s)', (transport) => {
  it('tunnels with CONNECT through HTTPS_PROXY, verifies with the ca option, and keeps the tunnel alive', async () => {
    clearProxyEnv();
    vi.stubEnv('HTTPS_PROXY', proxyWithPassword());
    // HTTP_PROXY is for http:// URLs only: were it used here, nothing would arrive.
    vi.stubEnv('HTTP_PROXY', DEAD_PROXY);
    const handshakesBefore = front.handshakes();
    expect(await exportThrough({ transport, baseUrl: front.url, ca: certificates.caCert }, 3)).toEqual([true, true, true]);
    expect(observations()).toHaveLength(6);
    expect(proxy.tunnels.map((tunnel) => tunnel.target)).toEqual([new URL(front.url).host]);
    expect(proxy.tunnels[0]?.proxyAuthorization).toBe(`Basic ${Buffer.from(`team:${PROXY_PASSWORD}`).toString('base64')}`);
    expect(front.handshakes() - handshakesBefore).toBe(1);
    expect(proxy.forwarded).toHaveLength(0);
    expect(logs().text()).not.toContain(PROXY_PASSWORD);
  });
});

describe('choosing the proxy', () => {
  it('connects directly to a host listed in NO_PROXY (host:port form)', async () => {
    clearProxyEnv();
    vi.stubEnv('HTTP_PROXY', DEAD_PROXY);
    vi.stubEnv('NO_PROXY', `example.com, ${new URL(receiver().url).host}`);
    expect(await exportThrough({ transport: 'ingestion' })).toEqual([true]);
    expect(observations()).toHaveLength(2);
  });

  it('does not treat loopback as special: 127.0.0.1 goes through the proxy unless NO_PROXY lists it', async () => {
    clearProxyEnv();
    vi.stubEnv('HTTP_PROXY', proxy.url);
    vi.stubEnv('no_proxy', 'localhost');
    expect(await exportThrough({ transport: 'ingestion' })).toEqual([true]);
    expect(proxy.forwarded).toHaveLength(1);
  });

  it('proxy: false connects directly whatever the environment says', async () => {
    clearProxyEnv();
    vi.stubEnv('HTTP_PROXY', DEAD_PROXY);
    expect(await exportThrough({ transport: 'otlp', proxy: false })).toEqual([true]);
    expect(observations()).toHaveLength(2);
  });

  it('LANGFUSE_PROXY=off connects directly', async () => {
    clearProxyEnv();
    vi.stubEnv('HTTP_PROXY', DEAD_PROXY);
    vi.stubEnv('LANGFUSE_PROXY', 'off');
    expect(await exportThrough({ transport: 'ingestion' })).toEqual([true]);
  });

  it('an explicit proxy is used for every request, NO_PROXY notwithstanding', async () => {
    clearProxyEnv();
    vi.stubEnv('NO_PROXY', '*');
    expect(await exportThrough({ transport: 'ingestion', proxy: proxy.url })).toEqual([true]);
    expect(proxy.forwarded).toHaveLength(1);
  });

  it("a proxy's 407 is reported once with what to do, and the credentials are not in it", async () => {
    clearProxyEnv();
    const strict = await startLoopbackProxy({ requireAuth: 'Basic nope' });
    try {
      const withWrongPassword = strict.url.replace('http://', `http://team:${PROXY_PASSWORD}@`);
      expect(await exportThrough({ transport: 'ingestion', proxy: withWrongPassword }, 2)).toEqual([false, false]);
      const hints = logs().lines.filter((line) => line.message.includes('the HTTP proxy wants credentials'));
      expect(hints).toHaveLength(1);
      expect(hints[0]?.message).toContain('refused the request with 407');
      expect(strict.forwarded).toHaveLength(2);
      expect(logs().text()).not.toContain(PROXY_PASSWORD);
    } finally {
      await strict.close();
    }
  });
  it("a CONNECT proxy's 407 is reported once with what to do", async () => {
    clearProxyEnv();
    const strict = await startLoopbackProxy({ requireAuth: 'Basic nope' });
    try {
      const withWrongPassword = strict.url.replace('http://', `http://team:${PROXY_PASSWORD}@`);
      const options = { transport: 'otlp', baseUrl: front.url, ca: certificates.caCert, proxy: withWrongPassword } as const;
      expect(await exportThrough(options, 2)).toEqual([false, false]);
      const hints = logs().lines.filter((line) => line.message.includes('The HTTP proxy wants credentials'));
      expect(hints).toHaveLength(1);
      expect(strict.tunnels.length).toBeGreaterThan(0);
      expect(logs().text()).not.toContain(PROXY_PASSWORD);
    } finally {
      await strict.close();
    }
  });
});

describe('https server with a private CA, no proxy', () => {
  it('without the CA, delivery fails with one clear diagnostic naming the ca option', async () => {
    clearProxyEnv();
    expect(await exportThrough({ transport: 'ingestion', baseUrl: front.url }, 2)).toEqual([false, false]);
    expect(observations()).toHaveLength(0);
    const diagnostics = logs().lines.filter((line) => line.message.includes('not signed by a CA trusted here'));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.message).toContain('LANGFUSE_CA_FILE');
  });

  it('trusts the CA given in LANGFUSE_CA_FILE', async () => {
    clearProxyEnv();
    const file = join(mkdtempSync(join(tmpdir(), 'lf-ca-')), 'ca.pem');
    writeFileSync(file, certificates.caCert);
    vi.stubEnv('LANGFUSE_CA_FILE', file);
    expect(await exportThrough({ transport: 'otlp', baseUrl: front.url })).toEqual([true]);
    expect(observations()).toHaveLength(2);
  });

  it('insecureSkipTlsVerify delivers without the CA and warns once at startup', async () => {
    clearProxyEnv();
    expect(await exportThrough({ transport: 'ingestion', baseUrl: front.url, insecureSkipTlsVerify: true }, 2)).toEqual([true, true]);
    expect(observations()).toHaveLength(4);
    const warnings = logs().lines.filter((line) => line.level === 'warn' && line.message.includes('insecureSkipTlsVerify is on'));
    expect(warnings).toHaveLength(1);
  });
});
