import { get, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/cli-main.js';
import { traceCreate } from './event-builders.js';
import { basicAuth, ingest } from './ingestion-client.js';
import { useReceiver } from './use-receiver.js';

// The viewer's access gate over plain HTTP: with keys configured the viewer and the read API need Basic auth with
// the keys, or the session cookie a one-time link sets; with the built-in local keys both stay open.

const SECRET = 'sk-lf-gate-secret-0123456789';
const PROTECTED = [
  '/',
  '/viewer/app.js',
  '/api/receiver/trace-rows',
  '/api/receiver/trace-views/t-1',
  '/api/receiver/sessions/s-1',
  '/api/receiver/media/m-1',
  '/api/receiver/events',
  '/api/receiver/stats',
  '/api/receiver/requests',
  '/api/receiver/traces',
  '/api/receiver/traces/t-1',
];

/** The status of a GET, without following redirects, and its headers. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = get(url, { headers }, (response) => {
      response.resume();
      resolve(response);
    });
    request.on('error', reject);
  });
}

/** Opens a one-time link as a browser would; resolves with the cookie it set. */
async function signIn(link: string): Promise<{ response: IncomingMessage; cookie: string }> {
  const response = await rawGet(link);
  const setCookie = response.headers['set-cookie']?.[0] ?? '';
  return { response, cookie: setCookie.split(';')[0] ?? '' };
}

describe('the viewer gate with keys configured', () => {
  const receiver = useReceiver({ publicKey: 'pk-lf-gate', secretKey: SECRET });

  it('answers 401 with a Basic challenge, and no secret, for the page, its files and every read API resource', async () => {
    await ingest(receiver(), [traceCreate({ id: 't-1', sessionId: 's-1' })]);
    for (const path of PROTECTED) {
      const response = await fetch(`${receiver().url}${path}`);
      expect(response.status, path).toBe(401);
      expect(response.headers.get('www-authenticate'), path).toMatch(/^Basic realm=/);
      expect(await response.text(), path).not.toContain(SECRET);
    }
    const wrong = await fetch(`${receiver().url}/api/receiver/trace-rows`, { headers: { authorization: basicAuth('pk-lf-gate', 'sk-wrong') } });
    expect(wrong.status).toBe(401);
    const live = await rawGet(`${receiver().url}/api/receiver/live`);
    expect(live.statusCode).toBe(401);
  });

  it('serves everything with Basic auth with the keys; unknown read API paths still 404; ingestion and health unchanged', async () => {
    await ingest(receiver(), [traceCreate({ id: 't-1', sessionId: 's-1' })]);
    const authorization = basicAuth('pk-lf-gate', SECRET);
    for (const path of PROTECTED.filter((candidate) => !candidate.includes('/media/'))) {
      const response = await fetch(`${receiver().url}${path}`, { headers: { authorization } });
      expect(response.status, path).toBe(200);
    }
    expect((await fetch(`${receiver().url}/api/receiver/media/m-1`, { headers: { authorization } })).status).toBe(404);
    expect((await fetch(`${receiver().url}/api/receiver/nope`)).status).toBe(404);
    expect((await fetch(`${receiver().url}/api/public/health`)).status).toBe(200);
  });

  it('a one-time link sets an HttpOnly SameSite=Strict cookie that opens the viewer and its API; the link works once', async () => {
    await ingest(receiver(), [traceCreate({ id: 't-1' })]);
    const link = receiver().viewerUrl();
    expect(link).toMatch(new RegExp(`^${receiver().url}/\\?token=[\\w-]{32}$`));
    const { response, cookie } = await signIn(link);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/');
    const setCookie = response.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(new RegExp(`^otel_langfuse_viewer_${receiver().port}=[\\w-]+; HttpOnly; SameSite=Strict; Path=/$`));

    for (const path of ['/', '/viewer/app.js', '/api/receiver/trace-rows', '/api/receiver/trace-views/t-1']) {
      expect((await fetch(`${receiver().url}${path}`, { headers: { cookie } })).status, path).toBe(200);
    }
    const live = await rawGet(`${receiver().url}/api/receiver/live`, { cookie: `other=1; ${cookie}` });
    expect(live.statusCode).toBe(200);
    live.destroy();

    const again = await signIn(link);
    expect(again.response.statusCode).toBe(401);
    expect(again.cookie).toBe('');
    expect((await signIn(`${receiver().url}/?token=made-up`)).response.statusCode).toBe(401);
    const forged = cookie.replace(/=.*/, '=forged-session');
    expect((await fetch(`${receiver().url}/api/receiver/trace-rows`, { headers: { cookie: forged } })).status).toBe(401);
  });

  it('a used link with a valid session cookie or Basic auth still opens the viewer (no 401); an unknown token too', async () => {
    const link = receiver().viewerUrl();
    const { cookie } = await signIn(link);
    for (const headers of [{ cookie }, { authorization: basicAuth('pk-lf-gate', SECRET) }] as Record<string, string>[]) {
      const again = await rawGet(link, headers);
      expect(again.statusCode).toBe(303);
      expect(again.headers.location).toBe('/');
      expect(again.headers['set-cookie']).toBeUndefined();
      expect((await rawGet(`${receiver().url}/?token=made-up`, headers)).statusCode).toBe(303);
    }
    expect((await signIn(link)).response.statusCode).toBe(401);
  });

  it("a Langfuse trace link (the doctor's) is gated like the page: 401 without keys, the redirect with Basic auth or the cookie", async () => {
    const path = `${receiver().url}/project/local-project/traces/t-1`;
    const denied = await rawGet(path);
    expect(denied.statusCode).toBe(401);
    expect(denied.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(denied.headers.location).toBeUndefined();
    const { cookie } = await signIn(receiver().viewerUrl());
    for (const headers of [{ cookie }, { authorization: basicAuth('pk-lf-gate', SECRET) }] as Record<string, string>[]) {
      const response = await rawGet(path, headers);
      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe('/#/trace/t-1');
    }
  });

  it('only a GET uses a link up: a HEAD (a link preview) or a POST leaves it working', async () => {
    const link = receiver().viewerUrl();
    for (const method of ['HEAD', 'POST', 'PUT', 'OPTIONS']) {
      const response = await fetch(link, { method, redirect: 'manual' });
      expect(response.status, method).not.toBe(303);
      expect(response.headers.get('set-cookie'), method).toBeNull();
    }
    expect((await signIn(link)).response.statusCode).toBe(303);
    expect((await signIn(link)).response.statusCode).toBe(401);
  });

  it('a live feed ends when its session is dropped from the 64 kept; then the cookie gets 401', async () => {
    const { cookie } = await signIn(receiver().viewerUrl());
    const live = await rawGet(`${receiver().url}/api/receiver/live`, { cookie });
    expect(live.statusCode).toBe(200);
    const ended = new Promise<void>((resolve) => live.once('close', resolve));
    let open = true;
    void ended.then(() => (open = false));
    for (let i = 0; i < 63; i++) expect((await signIn(receiver().viewerUrl())).response.statusCode).toBe(303);
    // 64 sessions: this one is still kept, and its feed still open.
    expect((await fetch(`${receiver().url}/api/receiver/trace-rows`, { headers: { cookie } })).status).toBe(200);
    expect(open).toBe(true);
    expect((await signIn(receiver().viewerUrl())).response.statusCode).toBe(303);
    await ended;
    expect((await fetch(`${receiver().url}/api/receiver/trace-rows`, { headers: { cookie } })).status).toBe(401);
  });

  it('each call gives a new link; only the last 32 unused links are kept', async () => {
    const links = Array.from({ length: 33 }, () => receiver().viewerUrl());
    expect(new Set(links).size).toBe(33);
    expect((await signIn(links[0]!)).response.statusCode).toBe(401);
    expect((await signIn(links[1]!)).response.statusCode).toBe(303);
    expect((await signIn(links[32]!)).response.statusCode).toBe(303);
  });
});

describe('the viewer gate with the built-in local keys', () => {
  const receiver = useReceiver();

  it('is open: the page and the read API answer without credentials, and the viewer URL carries no token', async () => {
    expect(receiver().viewerUrl()).toBe(`${receiver().url}/`);
    for (const path of ['/', '/api/receiver/trace-rows', '/api/receiver/events']) {
      expect((await fetch(`${receiver().url}${path}`)).status, path).toBe(200);
    }
  });
});

describe('uiAuth overrides the default', () => {
  const open = useReceiver({ publicKey: 'pk-lf-open', secretKey: SECRET, uiAuth: false });
  const closed = useReceiver({ uiAuth: true });

  it('uiAuth: false keeps the viewer open with keys configured; uiAuth: true gates it with the local keys', async () => {
    expect((await fetch(`${open().url}/api/receiver/trace-rows`)).status).toBe(200);
    expect((await fetch(`${closed().url}/api/receiver/trace-rows`)).status).toBe(401);
    const authorization = basicAuth('pk-lf-local', 'sk-lf-local');
    expect((await fetch(`${closed().url}/api/receiver/trace-rows`, { headers: { authorization } })).status).toBe(200);
  });
});

describe('the CLI with keys configured', () => {
  it('prints a one-time viewer link that signs a browser in, never the secret', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    let printed: (line: string) => void = () => undefined;
    const viewerLine = new Promise<string>((resolve) => (printed = (line) => line.startsWith('Viewer') && resolve(line)));
    const io = { stdout: (line: string) => (lines.push(line), printed(line)), stderr: (line: string) => lines.push(line), signal: stop.signal };
    const exit = runCli(['--quiet', '--public-key', 'pk-lf-cli', '--secret-key', SECRET], io);
    const link = /(http:\/\/\S+)/.exec(await viewerLine)?.[1] ?? '';
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+$/);
    const base = link.replace(/\/\?token=.*$/, '');
    expect((await fetch(`${base}/`)).status).toBe(401);
    const { response, cookie } = await signIn(link);
    expect(response.statusCode).toBe(303);
    expect((await fetch(`${base}/api/receiver/trace-rows`, { headers: { cookie } })).status).toBe(200);
    stop.abort();
    expect(await exit).toBe(0);
    expect(lines.join('\n')).not.toContain(SECRET);
  });
});

describe('on loopback, the Host header', () => {
  const receiver = useReceiver();

  it('must name a loopback host for the viewer and the read API (DNS rebinding); ingestion and health do not care', async () => {
    const at = (path: string, host: string) => rawGet(`${receiver().url}${path}`, { host });
    for (const path of ['/', '/api/receiver/events', '/api/receiver/live']) {
      expect((await at(path, 'attacker.example')).statusCode, path).toBe(403);
      expect((await at(path, `attacker.example:${receiver().port}`)).statusCode, path).toBe(403);
    }
    for (const host of [`127.0.0.1:${receiver().port}`, `localhost:${receiver().port}`, 'app.localhost', `[::1]:${receiver().port}`]) {
      expect((await at('/api/receiver/events', host)).statusCode, host).toBe(200);
    }
    expect((await at('/api/public/health', 'attacker.example')).statusCode).toBe(200);
    expect((await at('/api/receiver/nope', 'attacker.example')).statusCode).toBe(404);
  });
});
