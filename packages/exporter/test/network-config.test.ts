import { describe, expect, it } from 'vitest';
import { resolveNetworkConfig } from '../src/config/network-config.js';
import { resolveExporterConfig } from '../src/config/resolve-exporter-config.js';
import { proxyFor } from '../src/delivery/http/proxy-for-url.js';

const keys = { publicKey: 'pk-lf-1', secretKey: 'sk-lf-1' };
const PROXY = 'http://proxy.corp:3128';

/** Through which proxy (its host) a request to `url` goes with this environment; undefined when direct. */
function via(url: string, env: Record<string, string>): string | undefined {
  const warnings: string[] = [];
  const network = resolveNetworkConfig({}, env, warnings);
  expect(warnings).toEqual([]);
  return proxyFor(new URL(url), network.proxy)?.url.host;
}

describe('which proxy a request takes (as Node NODE_USE_ENV_PROXY)', () => {
  it('uses HTTPS_PROXY for https URLs and HTTP_PROXY for http ones, never the other', () => {
    const env = { HTTPS_PROXY: 'http://secure:1', HTTP_PROXY: 'http://plain:2' };
    expect(via('https://cloud.langfuse.com', env)).toBe('secure:1');
    expect(via('http://langfuse.internal:3000', env)).toBe('plain:2');
    expect(via('https://cloud.langfuse.com', { HTTP_PROXY: PROXY })).toBeUndefined();
  });

  it('reads the lowercase variables first', () => {
    expect(via('https://x.io', { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })).toBe('lower:1');
    expect(via('https://x.io', { HTTPS_PROXY: 'http://upper:2', no_proxy: 'x.io', NO_PROXY: 'other.io' })).toBeUndefined();
  });

  it.each([
    ['*', 'https://cloud.langfuse.com', true],
    ['cloud.langfuse.com', 'https://cloud.langfuse.com', true],
    ['langfuse.com', 'https://cloud.langfuse.com', false],
    ['.langfuse.com', 'https://cloud.langfuse.com', true],
    ['.langfuse.com', 'https://langfuse.com', true],
    ['.langfuse.com', 'https://notlangfuse.com', false],
    ['*.langfuse.com', 'https://cloud.langfuse.com', true],
    ['*.langfuse.com', 'https://langfuse.com', false],
    ['cloud.langfuse.com:443', 'https://cloud.langfuse.com', true],
    ['cloud.langfuse.com:8443', 'https://cloud.langfuse.com', false],
    ['localhost:3000', 'http://localhost:3000', true],
    ['10.0.0.1-10.0.0.20', 'http://10.0.0.7:3000', true],
    ['10.0.0.1-10.0.0.20', 'http://10.0.0.21:3000', false],
    [' Example.com , CLOUD.langfuse.com ', 'https://cloud.langfuse.com', true],
    ['localhost', 'http://127.0.0.1:3000', false],
    ['', 'http://localhost:3000', false],
  ])('NO_PROXY=%j for %s bypasses: %s', (noProxy, url, bypassed) => {
    const env = { HTTP_PROXY: PROXY, HTTPS_PROXY: PROXY, NO_PROXY: noProxy };
    expect(via(url, env)).toBe(bypassed ? undefined : 'proxy.corp:3128');
  });
});

describe('network options', () => {
  it('proxy: false and LANGFUSE_PROXY=off go direct; an explicit proxy beats the environment', () => {
    const env = { HTTPS_PROXY: PROXY };
    expect(resolveNetworkConfig({ proxy: false }, env, []).proxy).toEqual({ kind: 'direct' });
    expect(resolveNetworkConfig({}, { ...env, LANGFUSE_PROXY: 'OFF' }, []).proxy).toEqual({ kind: 'direct' });
    const explicit = resolveNetworkConfig({ proxy: 'http://mine:8080' }, { ...env, LANGFUSE_PROXY: 'http://env:1' }, []).proxy;
    expect(explicit.kind === 'explicit' && [explicit.proxy.url.host, explicit.proxy.source]).toEqual(['mine:8080', 'proxy']);
  });

  it('warns about an unusable proxy without repeating its credentials', () => {
    const warnings: string[] = [];
    const network = resolveNetworkConfig({ proxy: 'socks5://me:hunter2@socks.corp:1080' }, { HTTPS_PROXY: 'ftp://you:swordfish@x:21' }, warnings);
    expect(network.proxy).toEqual({ kind: 'env', http: undefined, https: undefined, noProxy: [] });
    expect(warnings).toEqual([
      "proxy socks5://socks.corp:1080 is invalid (only http:// and https:// proxies are supported); using the environment's proxy settings",
      'HTTPS_PROXY ftp://x is invalid (only http:// and https:// proxies are supported); connecting directly',
    ]);
    expect(warnings.join('\n')).not.toMatch(/hunter2|swordfish/);
  });

  it('checks the CA: PEM that Node cannot read, or a LANGFUSE_CA_FILE that is missing, is warned about and unused', () => {
    const warnings: string[] = [];
    expect(resolveNetworkConfig({ ca: 'not a certificate' }, {}, warnings).ca).toBeUndefined();
    expect(resolveNetworkConfig({ ca: 42 }, {}, warnings).ca).toBeUndefined();
    expect(resolveNetworkConfig({}, { LANGFUSE_CA_FILE: '/nonexistent/ca.pem' }, warnings).ca).toBeUndefined();
    expect(warnings).toHaveLength(3);
    expect(warnings[1]).toBe("ca 42 is invalid (must be PEM text, a Buffer, or an array of them); using Node's trusted CAs only");
    expect(warnings[2]).toBe('LANGFUSE_CA_FILE "/nonexistent/ca.pem" could not be read (ENOENT); using Node\'s trusted CAs only');
  });

  it('insecureSkipTlsVerify warns once when on; any other value than a boolean is refused', () => {
    const on = resolveExporterConfig({ ...keys, insecureSkipTlsVerify: true }, {});
    expect(on.ok && on.config.network.insecureSkipTlsVerify).toBe(true);
    expect(on.warnings.filter((w) => w.startsWith('insecureSkipTlsVerify is on'))).toHaveLength(1);
    const odd = resolveExporterConfig({ ...keys, insecureSkipTlsVerify: 'yes' as unknown as boolean }, {});
    expect(odd.ok && odd.config.network.insecureSkipTlsVerify).toBe(false);
    expect(odd.warnings).toEqual(['insecureSkipTlsVerify "yes" is invalid (must be true or false); using false']);
  });
});
