import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkBasicAuth, type ApiKeys } from '../http/auth.js';
import { jsonReply, sendReply, textReply } from '../http/http-reply.js';

// A browser keeps the last few links it was given and a handful of tabs; anything older is dropped, not kept forever.
const MAX_OPEN_TOKENS = 32;
const MAX_SESSIONS = 64;
const REALM = 'Basic realm="otel-langfuse receiver (public key : secret key)", charset="UTF-8"';

/** The read API resources and the viewer's paths that the gate protects; unknown paths fall through to a 404. */
const GATED_RESOURCES = new Set(['events', 'stats', 'requests', 'traces', 'trace-rows', 'live']);
const GATED_PREFIXES = ['traces/', 'trace-views/', 'sessions/', 'session-views/', 'media/'];

export function isGatedPath(pathname: string): boolean {
  if (pathname === '/' || pathname.startsWith('/viewer/')) return true;
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
    if (this.hasSession(req.headers.cookie) || (req.headers.authorization !== undefined && checkBasicAuth(req.headers.authorization, this.keys).ok)) {
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
      const session = randomBytes(24).toString('base64url');
      remember(this.sessions, session, MAX_SESSIONS);
      this.redirectHome(res, `${this.cookieName()}=${session}; HttpOnly; SameSite=Strict; Path=/`);
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

  private hasSession(cookieHeader: string | undefined): boolean {
    if (cookieHeader === undefined) return false;
    const name = this.cookieName();
    for (const part of cookieHeader.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === name && this.sessions.has(part.slice(eq + 1).trim())) return true;
    }
    return false;
  }

  private deny(res: ServerResponse, pathname: string, message: string): void {
    const headers = { 'www-authenticate': REALM, 'cache-control': 'no-store' };
    sendReply(res, pathname.startsWith('/api/') ? jsonReply(401, { message }, headers) : textReply(401, message, headers));
  }
}

function remember(set: Set<string>, value: string, max: number): void {
  set.add(value);
  if (set.size > max) set.delete(set.values().next().value as string);
}
