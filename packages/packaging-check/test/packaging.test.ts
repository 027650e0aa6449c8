import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The packages as a user gets them: packed tarballs (what `npm publish` would upload), checked with
// are-the-types-wrong, installed with plain npm into a scratch project per OpenTelemetry line and used from ESM and
// from CommonJS, and the exporter registered in that line's own BatchSpanProcessor.

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGES = ['exporter', 'tracing', 'receiver'] as const;

/** The pnpm running this test (`pnpm test`), else the one pinned in the root package.json's `packageManager`, via npx. */
function pnpm(args: string[], cwd: string): string {
  const execpath = process.env['npm_execpath'];
  const packageManager = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { packageManager: string }).packageManager;
  const [command, prefix] =
    execpath && /pnpm/.test(execpath) ? [process.execPath, [execpath]] : ['npx', ['--yes', packageManager]];
  return execFileSync(command, [...prefix, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Node >= 22.15 for OpenTelemetry JS 3.x: the one running the tests when it is recent enough, else `node@22` from npm. */
function node22(): string {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 15)) return process.execPath;
  const path = execFileSync('npx', ['--yes', 'node@22', '-p', 'process.execPath'], { encoding: 'utf8', timeout: 300_000 }).trim();
  const version = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
  if (!/^22\.(1[5-9]|[2-9]\d)\./.test(version)) throw new Error(`node@22 from npm is ${version}; OpenTelemetry JS 3 needs >= 22.15`);
  return path;
}

/**
 * Plain npm, run by the given node (npm picks versions by the running node's `engines`, as a user's npm would), with
 * the environment of a user's shell: no npm_config_* or npm_package_* variables inherited from the pnpm running us.
 */
function npm(node: string, args: string[], cwd: string): string {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_(config|package|lifecycle)_|^npm_(execpath|node_execpath|command)$|^PNPM_/i.test(key)) env[key] = value;
  }
  env['PATH'] = `${dirname(node)}${delimiter}${process.env['PATH'] ?? ''}`;
  return execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
}

/**
 * The OpenTelemetry JS lines users are on: the current release of each package at the time of writing (re-check with
 * `npm view <package> dist-tags`; see docs/exporter.md, "Versions tried").
 */
const OTEL_LINES = [
  {
    id: 'sdk2',
    name: 'OpenTelemetry JS 2.x (API 1.9, sdk-trace-node 2.x)',
    sdk: 2,
    dependencies: {
      '@opentelemetry/api': '1.9.1',
      '@opentelemetry/sdk-trace-base': '2.12.1',
      '@opentelemetry/sdk-trace-node': '2.12.1',
    },
    fixture: 'register-sdk2.mjs',
    nodeBinary: () => process.execPath, // any supported Node: the one running the tests (20, 22, 24 in CI)
  },
  {
    id: 'sdk3',
    name: 'OpenTelemetry JS 3.x (API 1.10, sdk-trace 3.x, Node >= 22.15)',
    sdk: 3,
    dependencies: {
      '@opentelemetry/api': '1.10.0',
      '@opentelemetry/sdk-trace': '3.1.1',
    },
    fixture: 'register-sdk3.mjs',
    nodeBinary: node22,
  },
] as const;

let work: string;
const tarballs: Record<string, string> = {};

beforeAll(() => {
  for (const pkg of PACKAGES) {
    if (!existsSync(join(repo, 'packages', pkg, 'dist', 'cjs', 'index.js'))) {
      throw new Error(`packages/${pkg} is not built (ESM and CJS): run \`pnpm run build\` first`);
    }
  }
  work = mkdtempSync(join(tmpdir(), 'otel-langfuse-packaging-'));
  for (const pkg of PACKAGES) {
    pnpm(['pack', '--pack-destination', work], join(repo, 'packages', pkg));
    const file = readdirSync(work).find((f) => f.startsWith(`otel-langfuse-${pkg}-`) && f.endsWith('.tgz'));
    if (!file) throw new Error(`pnpm pack produced no tarball for ${pkg}`);
    tarballs[pkg] = join(work, file);
  }
}, 120_000);

// Two scratch projects with their npm caches: removing them can take longer than the default hook timeout.
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

describe('packed packages', () => {
  it.each(PACKAGES)('%s: types resolve for ESM, CommonJS, node10 and bundlers (attw)', (pkg) => {
    const attw = join(repo, 'packages', 'packaging-check', 'node_modules', '.bin', 'attw');
    const output = execFileSync(attw, [tarballs[pkg]!, '--format', 'ascii'], { encoding: 'utf8' });
    expect(output).toContain('No problems found');
  });

  // Plain `npm install` of the tarballs (what a user runs), next to the current release of each OpenTelemetry line we
  // support, with an npm cache of its own (empty: a warm cache on this machine cannot hide a missing package).
  // Versions are exact so a run is reproducible; docs/exporter.md says how to re-check them against the registry.
  describe.each(OTEL_LINES)('installed with npm next to $name', (line) => {
    let project: string;
    let node: string;

    beforeAll(() => {
      node = line.nodeBinary();
      project = join(work, `scratch-${line.id}`);
      mkdirSync(project, { recursive: true });
      const file = (pkg: string) => `file:${tarballs[pkg]}`;
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({
          name: `scratch-${line.id}`,
          private: true,
          dependencies: { ...Object.fromEntries(PACKAGES.map((pkg) => [`@otel-langfuse/${pkg}`, file(pkg)])), ...line.dependencies },
          // The tarballs depend on each other by version; point those at the tarballs too.
          overrides: { '@otel-langfuse/exporter': '$@otel-langfuse/exporter' },
        }),
      );
      npm(node, ['install', '--cache', join(project, '.npm-cache'), '--no-audit', '--no-fund', '--loglevel=warn'], project);
      for (const fixture of ['smoke.mjs', 'smoke.cjs', line.fixture]) {
        copyFileSync(join(repo, 'packages', 'packaging-check', 'fixtures', fixture), join(project, fixture));
      }
    }, 300_000);

    it('got the OpenTelemetry versions pinned for this line', () => {
      for (const [name, version] of Object.entries(line.dependencies)) {
        const manifest = JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
        expect(manifest.version, name).toBe(version);
      }
    });

    it.each(['smoke.mjs', 'smoke.cjs'])('%s loads every package and exports a trace end to end', (fixture) => {
      const output = execFileSync(node, [fixture], { cwd: project, encoding: 'utf8', timeout: 60_000 });
      const result = JSON.parse(output.trim().split('\n').pop()!) as { format: string; exporter: string; events: string[] };
      expect(result.format).toBe(fixture.endsWith('.cjs') ? 'cjs' : 'esm');
      expect(result.exporter).toBe('function');
      expect(result.events).toEqual(['generation-create', 'span-create', 'trace-create']);
    });

    it.each(['ingestion', 'otlp'])(`the exporter registered in this SDK's BatchSpanProcessor delivers over %s`, (transport) => {
      const output = execFileSync(node, [line.fixture, transport], { cwd: project, encoding: 'utf8', timeout: 60_000 });
      const result = JSON.parse(output.trim().split('\n').pop()!) as {
        sdk: number;
        endpoints: string[];
        spansReceived: number;
        spansExported: number;
        events: string[];
      };
      expect(result.sdk).toBe(line.sdk);
      expect(result.endpoints).toEqual([transport]);
      expect(result.spansReceived).toBe(2);
      expect(result.spansExported).toBe(2);
      expect(result.events).toEqual(['generation-create', 'span-create', 'trace-create']);
    });

    it('require() gets the CommonJS build and import the ESM build', () => {
      const resolved = execFileSync(node, ['-e', "console.log(require.resolve('@otel-langfuse/tracing'))"], {
        cwd: project,
        encoding: 'utf8',
      });
      expect(resolved.trim()).toMatch(/dist[\\/]cjs[\\/]index\.js$/);
    });
  });
});
