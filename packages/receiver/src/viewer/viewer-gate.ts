import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkBasicAuth, type ApiKeys } from '../http/auth.js';
import { jsonReply, sendReply, textReply } from '../http/http-reply.js';
import { isLangfuseTraceLink, VIEWER_LIVE_PATH } from './trace-viewer.js';

// A browser keeps the last few links it was given and a handful of tabs; anything older is dropped, not kept forever.
const MAX_OPEN_TOKENS = 32;
const MAX_SESSIONS = 64;
const REALM = 'Basic realm="otel-langfuse receiver (public key : secret key)", charset="UTF-8"';

/** The read API resources and the viewer's paths that the gate protects; unknown paths fall through to a 404. */
const GATED_RESOURCES = new Set(['events', 'stats', 'requests', 'traces', 'trace-rows', 'live']);
const GATED_PREFIXES = ['traces/', 'trace-views/', 'sessions/', 'session-views/', 'media/'];

export function isGatedPath(pathname: string): boolean {
  if (pathname === '/' || pathname.startsWith('/viewer/') || isLangfuseTraceLink(pathname)) return true;
  if (!pathname.startsWith('/api/receiver/')) return false;
  const resource = pathname.slice('/api/receiver/'.length);
  return GATED_RESOURCES.has(resource) || GATED_PREFIXES.some((prefix) => resource.startsWith(prefix));
}

/**
 * Access to the viewer and the read API when the receiver has keys configured: Basic auth with the public and secret
 * key, or a session cookie (HttpOnly, SameSite=Strict) obtained by opening a one-time link `/?token=...`. Each token
 * works once, and only a GET uses it up; a used, unknown or dropped token gets 401 unless the request is signed in
 * (cookie or Basic auth) already.
 */
export class ViewerGate {
  private readonly tokens = new Set<string>();
  private readonly sessions = new Set<string>();
  /** Open live feeds by the session that opened them: ended when their session is dropped. */
  private readonly liveStreams = new Map<string, Set<ServerResponse>>();

  constructor(
    private readonly keys: ApiKeys,
    /** The cookie's name; per port, since browsers share cookies between the ports of one host. */
    private readonly cookieName: () => string,
  ) {}

  /** A new one-time token for a link printed in the terminal or handed to a test. */
  mintToken(): string {
    const token = randomBytes(24).toString('base64url');
    remember(this.tokens, token, MAX_OPEN_TOKENS);
    return token;
  }

  /** True when the request may go on; otherwise the gate has answered it (401, or a redirect setting the cookie). */
  admit(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (!isGatedPath(url.pathname)) return true;
    const token = url.pathname === '/' ? url.searchParams.get('token') : null;
    // Only a GET opens a link: a HEAD from a chat app's link preview, or any other method, leaves the token unused.
    const opensLink = token !== null && req.method === 'GET';
    const session = this.sessionOf(req.headers.cookie);
    if (session !== undefined && url.pathname === VIEWER_LIVE_PATH) this.tieToSession(session, res);
    if (session !== undefined || (req.headers.authorization !== undefined && checkBasicAuth(req.headers.authorization, this.keys).ok)) {
      if (!opensLink) return true;
      // Signed in already: the link is spent all the same, and leaves the address bar.
      this.tokens.delete(token!);
      this.redirectHome(res);
      return false;
    }
    if (opensLink) {
      if (!this.tokens.delete(token!)) {
        this.deny(res, url.pathname, 'This link was already used or is not valid: each viewer link opens the viewer once. Sign in with the public and secret key, or print a new link.');
        return false;
      }
      const newSession = randomBytes(24).toString('base64url');
      const dropped = remember(this.sessions, newSession, MAX_SESSIONS);
      if (dropped !== undefined) this.endLiveStreams(dropped);
      this.redirectHome(res, `${this.cookieName()}=${newSession}; HttpOnly; SameSite=Strict; Path=/`);
      return false;
    }
    this.deny(res, url.pathname, 'The receiver has keys configured: sign in with the public key as user name and the secret key as password, or open the one-time link the receiver printed.');
    return false;
  }

  /** Redirects to `/` so a link's token leaves the address bar and the history; sets the session cookie if given. */
  private redirectHome(res: ServerResponse, cookie?: string): void {
    res.writeHead(303, {
      location: '/',
      ...(cookie === undefined ? {} : { 'set-cookie': cookie }),
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'content-length': 0,
    });
    res.end();
  }

  /** The live session the request's cookie names, if any. */
  private sessionOf(cookieHeader: string | undefined): string | undefined {
    if (cookieHeader === undefined) return undefined;
    const name = this.cookieName();
    for (const part of cookieHeader.split(';')) {
      const eq = part.indexOf('=');
      const value = part.slice(eq + 1).trim();
      if (eq > 0 && part.slice(0, eq).trim() === name && this.sessions.has(value)) return value;
    }
    return undefined;
  }

  private tieToSession(session: string, res: ServerResponse): void {
    let streams = this.liveStreams.get(session);
    if (streams === undefined) this.liveStreams.set(session, (streams = new Set()));
    streams.add(res);
    res.on('close', () => {
      streams.delete(res);
      if (streams.size === 0 && this.liveStreams.get(session) === streams) this.liveStreams.delete(session);
    });
  }

  /** A dropped session signs nothing in any more: its open live feeds end too (EventSource then gets 401). */
  private endLiveStreams(session: string): void {
    const streams = this.liveStreams.get(session);
    this.liveStreams.delete(session);
    for (const res of streams ?? []) res.end();
  }

  private deny(res: ServerResponse, pathname: string, message: string): void {
    const headers = { 'www-authenticate': REALM, 'cache-control': 'no-store' };
    sendReply(res, pathname.startsWith('/api/') ? jsonReply(401, { message }, headers) : textReply(401, message, headers));
  }
}

/** Adds the value; returns the oldest one when it had to be dropped to stay within `max`. */
function remember(set: Set<string>, value: string, max: number): string | undefined {
  set.add(value);
  if (set.size <= max) return undefined;
  const oldest = set.values().next().value as string;
  set.delete(oldest);
  return oldest;
}
