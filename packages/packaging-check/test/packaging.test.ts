import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The packages as a user gets them: packed tarballs (what `npm publish` would upload), checked with
// are-the-types-wrong, installed into a scratch project and used from ESM and from CommonJS.

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGES = ['exporter', 'tracing', 'receiver'] as const;

/** The pnpm running this test (`pnpm test`), else the one on PATH. */
function pnpm(args: string[], cwd: string): string {
  const execpath = process.env['npm_execpath'];
  const [command, prefix] = execpath && /pnpm/.test(execpath) ? [process.execPath, [execpath]] : ['pnpm', []];
  return execFileSync(command, [...prefix, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

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

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('packed packages', () => {
  it.each(PACKAGES)('%s: types resolve for ESM, CommonJS, node10 and bundlers (attw)', (pkg) => {
    const attw = join(repo, 'packages', 'packaging-check', 'node_modules', '.bin', 'attw');
    const output = execFileSync(attw, [tarballs[pkg]!, '--format', 'ascii'], { encoding: 'utf8' });
    expect(output).toContain('No problems found');
  });

  describe('installed into a scratch project', () => {
    let project: string;

    beforeAll(() => {
      project = join(work, 'scratch');
      execFileSync('mkdir', ['-p', project]);
      const file = (pkg: string) => `file:${tarballs[pkg]}`;
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({
          name: 'scratch',
          private: true,
          dependencies: Object.fromEntries([...PACKAGES.map((pkg) => [`@otel-langfuse/${pkg}`, file(pkg)]), ['@opentelemetry/api', '1.9.1']]),
          // The tarballs depend on each other by version; point those at the tarballs too.
          pnpm: { overrides: { '@otel-langfuse/exporter': file('exporter') } },
        }),
      );
      // Offline: everything the tarballs need is in the store the workspace install filled.
      pnpm(['install', '--offline', '--ignore-workspace', '--config.confirmModulesPurge=false'], project);
      for (const fixture of ['smoke.mjs', 'smoke.cjs']) {
        copyFileSync(join(repo, 'packages', 'packaging-check', 'fixtures', fixture), join(project, fixture));
      }
    }, 120_000);

    it.each(['smoke.mjs', 'smoke.cjs'])('%s loads every package and exports a trace end to end', (fixture) => {
      const output = execFileSync(process.execPath, [fixture], { cwd: project, encoding: 'utf8', timeout: 60_000 });
      const result = JSON.parse(output.trim().split('\n').pop()!) as { format: string; exporter: string; events: string[] };
      expect(result.format).toBe(fixture.endsWith('.cjs') ? 'cjs' : 'esm');
      expect(result.exporter).toBe('function');
      expect(result.events).toEqual(['generation-create', 'span-create', 'trace-create']);
    });

    it('require() gets the CommonJS build and import the ESM build', () => {
      const resolved = execFileSync(
        process.execPath,
        ['-e', "console.log(require.resolve('@otel-langfuse/tracing'))"],
        { cwd: project, encoding: 'utf8' },
      );
      expect(resolved.trim()).toMatch(/dist[\\/]cjs[\\/]index\.js$/);
    });
  });
});
