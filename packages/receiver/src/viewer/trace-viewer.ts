import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonReply, messageReply, sendReply } from '../http/http-reply.js';
import type { LiveTraceFeed } from './live-trace-feed.js';
import { loadViewerAssets, type ViewerAsset } from './viewer-assets.js';

export const VIEWER_PAGE_PATH = '/';
export const VIEWER_ASSET_PREFIX = '/viewer/';
export const VIEWER_LIVE_PATH = '/api/receiver/live';

// Defence in depth on top of the page never building HTML from data: no inline script, nothing from elsewhere.
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** The browser trace viewer: the page at `/`, its files under `/viewer/`, live updates at `/api/receiver/live`. */
export class TraceViewer {
  private readonly assets: Map<string, ViewerAsset>;

  constructor(private readonly feed: LiveTraceFeed) {
    this.assets = loadViewerAssets();
  }

  /** Serves the request when it is for the viewer; false when the path is not the viewer's. */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
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
}
