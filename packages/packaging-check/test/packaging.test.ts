import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeOf, npm, packAll, PACKAGES, repo } from './packed.js';

// The packages as a user gets them: packed tarballs (what `npm publish` would upload), checked with
// are-the-types-wrong, installed with plain npm into a scratch project per OpenTelemetry line and used from ESM and
// from CommonJS, and the exporter registered in that line's own BatchSpanProcessor.

/** OpenTelemetry JS 3.x as a user installs it today (the README's NodeSDK form included). */
const SDK3_DEPENDENCIES = {
  '@opentelemetry/api': '1.10.0',
  '@opentelemetry/sdk-node': '0.301.2',
  '@opentelemetry/sdk-trace': '3.1.1',
};

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
    nodeBinary: () => process.execPath, // any supported Node: the one running the tests (Node 20 in CI)
  },
  {
    id: 'sdk3',
    name: 'OpenTelemetry JS 3.x (API 1.10, sdk-trace 3.x, Node >= 22.15)',
    sdk: 3,
    dependencies: SDK3_DEPENDENCIES,
    fixture: 'register-sdk3.mjs',
    nodeBinary: () => nodeOf(22, '22.15'),
  },
  {
    // The same on the newest LTS line: Node changes under got there (a refused connection is reported twice since 24.20).
    id: 'sdk3-node24',
    name: 'OpenTelemetry JS 3.x (API 1.10, sdk-trace 3.x) on Node 24',
    sdk: 3,
    dependencies: SDK3_DEPENDENCIES,
    fixture: 'register-sdk3.mjs',
    nodeBinary: () => nodeOf(24),
  },
] as const;

let work: string;
const tarballs: Record<string, string> = {};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'otel-langfuse-packaging-'));
  Object.assign(tarballs, packAll(work));
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
      for (const fixture of ['smoke.mjs', 'smoke.cjs', line.fixture, 'node-sdk-sigterm.mjs']) {
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

    // The README's NodeSDK form with its SIGTERM handler, run as written: the span is delivered, and with Langfuse
    // unreachable (sdk.shutdown() then rejects) the process still ends with code 0 and no unhandled rejection.
    it.runIf(line.sdk === 3)("the README's NodeSDK form and SIGTERM handler: delivers; exits 0 with Langfuse down", () => {
      for (const mode of ['up', 'down']) {
        const run = spawnSync(node, ['node-sdk-sigterm.mjs', mode], { cwd: project, encoding: 'utf8', timeout: 60_000 });
        expect(run.status, `${mode}: ${run.stderr}`).toBe(0);
        expect(run.stderr, mode).not.toMatch(/Unhandled|^\s+at /m);
        const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { code: number; events: string[] };
        expect(result.code, mode).toBe(0);
        expect(result.events, mode).toEqual(mode === 'up' ? ['span-create', 'trace-create'] : []);
      }
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
