import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// What the packaging suites share: the packages packed as `npm publish` would upload them, and the tools a user
// has (plain npm under a chosen Node) to install them.

export const repo = fileURLToPath(new URL('../../../', import.meta.url));
export const PACKAGES = ['exporter', 'tracing', 'receiver'] as const;
export type PackageName = (typeof PACKAGES)[number];

/** The pnpm running this test (`pnpm test`), else the one pinned in the root package.json's `packageManager`, via npx. */
function pnpm(args: string[], cwd: string): string {
  const execpath = process.env['npm_execpath'];
  const packageManager = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { packageManager: string }).packageManager;
  const [command, prefix] =
    execpath && /pnpm/.test(execpath) ? [process.execPath, [execpath]] : ['npx', ['--yes', packageManager]];
  return execFileSync(command, [...prefix, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Packs each published package into `destination` (built first: ESM and CJS); the tarball paths by package. */
export function packAll(destination: string): Record<PackageName, string> {
  const tarballs = {} as Record<PackageName, string>;
  for (const pkg of PACKAGES) {
    if (!existsSync(join(repo, 'packages', pkg, 'dist', 'cjs', 'index.js'))) {
      throw new Error(`packages/${pkg} is not built (ESM and CJS): run \`pnpm run build\` first`);
    }
    pnpm(['pack', '--pack-destination', destination], join(repo, 'packages', pkg));
    const file = readdirSync(destination).find((f) => f.startsWith(`otel-langfuse-${pkg}-`) && f.endsWith('.tgz'));
    if (!file) throw new Error(`pnpm pack produced no tarball for ${pkg}`);
    tarballs[pkg] = join(destination, file);
  }
  return tarballs;
}

/**
 * A Node of the given major, at least `minimum` (e.g. '22.15'): the one running the tests when it qualifies, else
 * `node@<major>` from npm.
 */
export function nodeOf(major: number, minimum = `${major}.0`): string {
  const atLeast = (version: string) => {
    const [a = 0, b = 0] = version.split('.').map(Number);
    const [minA = 0, minB = 0] = minimum.split('.').map(Number);
    return a === major && (a > minA || b >= minB);
  };
  if (atLeast(process.versions.node)) return process.execPath;
  const path = execFileSync('npx', ['--yes', `node@${major}`, '-p', 'process.execPath'], { encoding: 'utf8', timeout: 300_000 }).trim();
  const version = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
  if (!atLeast(version)) throw new Error(`node@${major} from npm is ${version}; ${minimum} or later is needed`);
  return path;
}

/**
 * Plain npm, run by the given node (npm picks versions by the running node's `engines`, as a user's npm would), with
 * the environment of a user's shell: no npm_config_* or npm_package_* variables inherited from the pnpm running us.
 */
export function npm(node: string, args: string[], cwd: string): string {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_(config|package|lifecycle)_|^npm_(execpath|node_execpath|command)$|^PNPM_/i.test(key)) env[key] = value;
  }
  env['PATH'] = `${dirname(node)}${delimiter}${process.env['PATH'] ?? ''}`;
  return execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
}
