import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonReply, messageReply, sendReply } from '../http/http-reply.js';
import type { LiveTraceFeed } from './live-trace-feed.js';
import { loadViewerAssets, type ViewerAsset } from './viewer-assets.js';

export const VIEWER_PAGE_PATH = '/';
export const VIEWER_ASSET_PREFIX = '/viewer/';
export const VIEWER_LIVE_PATH = '/api/receiver/live';

/**
 * A trace's address in Langfuse's web app, `/project/{projectId}/traces/{traceId}`: the link the doctor (and
 * Langfuse's own tools) print for a trace. The viewer has no projects; it redirects such a link to its page for the
 * trace, `/#/trace/{traceId}`, whatever the project.
 */
const LANGFUSE_TRACE_LINK = /^\/project\/[^/]+\/traces\/([^/]+)\/?$/;

/** True for a Langfuse trace link the viewer redirects (the gate and the rebinding guard cover it like the page). */
export function isLangfuseTraceLink(pathname: string): boolean {
  return LANGFUSE_TRACE_LINK.test(pathname);
}

/** The viewer's page for the trace a Langfuse trace link names; undefined for other paths or a malformed id. */
export function viewerTraceLocation(pathname: string): string | undefined {
  const segment = LANGFUSE_TRACE_LINK.exec(pathname)?.[1];
  if (segment === undefined) return undefined;
  try {
    return `/#/trace/${encodeURIComponent(decodeURIComponent(segment))}`;
  } catch {
    return undefined; // a malformed percent-escape
  }
}

// Defence in depth on top of the page never building HTML from data: no inline script, nothing from elsewhere.
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/**
 * The browser trace viewer: the page at `/`, its files under `/viewer/`, live updates at `/api/receiver/live`, and
 * Langfuse's trace links (`/project/{id}/traces/{traceId}`) redirected to the page's view of that trace.
 */
export class TraceViewer {
  private readonly assets: Map<string, ViewerAsset>;

  constructor(private readonly feed: LiveTraceFeed) {
    this.assets = loadViewerAssets();
  }

  /** Serves the request when it is for the viewer; false when the path is not the viewer's. */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
    if (isLangfuseTraceLink(pathname)) {
      this.redirectToTrace(req, res, pathname);
      return true;
    }
    const asset =
      pathname === VIEWER_PAGE_PATH
        ? this.assets.get('index.html')
        : pathname.startsWith(VIEWER_ASSET_PREFIX)
          ? this.assets.get(pathname.slice(VIEWER_ASSET_PREFIX.length))
          : undefined;
    const isViewerPath = pathname === VIEWER_PAGE_PATH || pathname === VIEWER_LIVE_PATH || pathname.startsWith(VIEWER_ASSET_PREFIX);
    if (!isViewerPath) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendReply(res, jsonReply(405, { message: 'Method Not Allowed' }, { allow: 'GET, HEAD' }));
      return true;
    }
    if (pathname === VIEWER_LIVE_PATH) {
      this.feed.subscribe(req, res);
      return true;
    }
    if (asset === undefined) {
      sendReply(res, messageReply(404, `Not found: ${pathname}`));
      return true;
    }
    sendReply(res, { status: 200, headers: { 'content-type': asset.contentType, ...SECURITY_HEADERS }, body: asset.body });
    return true;
  }

  private redirectToTrace(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendReply(res, jsonReply(405, { message: 'Method Not Allowed' }, { allow: 'GET, HEAD' }));
      return;
    }
    const location = viewerTraceLocation(pathname);
    if (location === undefined) {
      sendReply(res, messageReply(404, `Not found: ${pathname}`));
      return;
    }
    sendReply(res, { status: 302, headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }, body: '' });
  }
}
