import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** What a child process importing the built tracing package runs: tracing and the exporter it references. */
const BUILT_PACKAGES = ['tracing', 'exporter'];
const TRACING_DIST = join(REPO, 'packages/tracing/dist/index.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds packages/tracing (and the exporter with it) when its output is older than its sources, for suites whose child
 * processes import the built package. Type errors still emit JavaScript (the typecheck step reports them): only a
 * build that produced nothing fails.
 */
export function ensureTracingBuilt(): void {
  const stale = BUILT_PACKAGES.some((pkg) => {
    const buildInfo = join(REPO, 'packages', pkg, 'dist/.tsbuildinfo');
    return !existsSync(buildInfo) || statSync(buildInfo).mtimeMs < newestMtime(join(REPO, 'packages', pkg, 'src'));
  });
  if (!stale && existsSync(TRACING_DIST)) return;
  try {
    execFileSync(join(REPO, 'node_modules/.bin/tsc'), ['-b', 'packages/tracing'], { cwd: REPO, stdio: 'pipe' });
  } catch (error) {
    if (existsSync(TRACING_DIST)) return;
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
    throw new Error(`building packages/tracing failed:\n${output.slice(0, 4000)}`);
  }
}
