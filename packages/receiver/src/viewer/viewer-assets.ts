import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { COMPILED_VIEWER_DIRECTORY } from './module-directory.cjs';

/** One file of the viewer, served as is. */
export interface ViewerAsset {
  contentType: string;
  body: Buffer;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The package's `viewer/` folder: two levels up in the ESM build (dist/viewer), three in CommonJS, one in tests (src/viewer). */
export function viewerDirectory(): string {
  let directory = COMPILED_VIEWER_DIRECTORY;
  for (let level = 0; level < 4; level++) {
    directory = dirname(directory);
    const candidate = join(directory, 'viewer');
    if (existsSync(join(candidate, 'index.html')) && existsSync(join(directory, 'package.json'))) return candidate;
  }
  throw new Error(`the trace viewer's files were not found above ${COMPILED_VIEWER_DIRECTORY}`);
}

/** Every file of the viewer folder by name (no subfolders), read once: a few tens of KB. */
export function loadViewerAssets(directory: string = viewerDirectory()): Map<string, ViewerAsset> {
  const assets = new Map<string, ViewerAsset>();
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const contentType = CONTENT_TYPES[extname(entry.name)];
    if (entry.isFile() && contentType !== undefined) {
      assets.set(entry.name, { contentType, body: readFileSync(join(directory, entry.name)) });
    }
  }
  return assets;
}
