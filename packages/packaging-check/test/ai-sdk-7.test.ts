import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeOf, npm, packAll, PACKAGES, repo } from './packed.js';

// The Vercel AI SDK 7 as a user gets it today (`npm i ai @ai-sdk/otel`, Node >= 22), its own OpenTelemetry
// integration (`registerTelemetry(new OpenTelemetry())`) under a default `setupLangfuse()`, run for real on Node 22
// and 24 against the packed tarballs installed with plain npm (empty npm cache of its own) into a scratch project.
// Versions are exact so a run is reproducible; docs/llm-instrumentation.md says how to re-check them.

const DEPENDENCIES = {
  ai: '7.0.185',
  '@ai-sdk/otel': '1.0.185',
  '@opentelemetry/api': '1.9.1',
  '@opentelemetry/sdk-trace-base': '2.12.1',
  '@opentelemetry/sdk-trace-node': '2.12.1',
};

interface StoredObservation {
  type: string;
  name: string;
  model?: string;
  usageDetails: Record<string, number>;
  costDetails: Record<string, number>;
  input?: unknown;
  output?: unknown;
  aggregateUsage?: Record<string, number>;
}

interface FixtureResult {
  node: string;
  text: string;
  registeredGlobally: boolean;
  endpoints: string[];
  traces: { id: string; observations: StoredObservation[] }[];
}

let work: string;
let project: string;
const nodes: Record<number, string> = {};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'otel-langfuse-ai-sdk-7-'));
  const tarballs = packAll(work);
  nodes[22] = nodeOf(22);
  nodes[24] = nodeOf(24);
  project = join(work, 'scratch-ai-sdk-7');
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'scratch-ai-sdk-7',
      private: true,
      dependencies: { ...Object.fromEntries(PACKAGES.map((pkg) => [`@otel-langfuse/${pkg}`, `file:${tarballs[pkg]}`])), ...DEPENDENCIES },
      overrides: { '@otel-langfuse/exporter': '$@otel-langfuse/exporter' },
    }),
  );
  // Installed by Node 22's npm (the AI SDK 7 needs >= 22), with an empty npm cache of its own.
  npm(nodes[22], ['install', '--cache', join(project, '.npm-cache'), '--no-audit', '--no-fund', '--loglevel=warn'], project);
  copyFileSync(join(repo, 'packages', 'packaging-check', 'fixtures', 'ai-sdk-7.mjs'), join(project, 'ai-sdk-7.mjs'));
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

function sum(records: Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const record of records) for (const [key, value] of Object.entries(record)) total[key] = (total[key] ?? 0) + value;
  return total;
}

describe('Vercel AI SDK 7 with @ai-sdk/otel, installed with npm', () => {
  it('got the pinned versions', () => {
    for (const [name, version] of Object.entries(DEPENDENCIES)) {
      const manifest = JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
      expect(manifest.version, name).toBe(version);
    }
  });

  describe.each([22, 24])('on Node %i', (major) => {
    it.each(['ingestion', 'otlp'])('one generation per model call, the agent once, usage counted once per trace (%s)', (transport) => {
      const output = execFileSync(nodes[major]!, ['ai-sdk-7.mjs', transport], { cwd: project, encoding: 'utf8', timeout: 120_000 });
      const result = JSON.parse(output.trim().split('\n').pop()!) as FixtureResult;
      expect(Number(result.node.split('.')[0])).toBe(major);
      expect(result.text).toBe('Sunny in Paris');
      expect(result.registeredGlobally).toBe(true);
      expect(result.endpoints).toEqual([transport]);
      expect(result.traces).toHaveLength(1);
      const observations = result.traces[0]!.observations;

      // One generation per model call: model, usage with cached and reasoning tokens apart, input and output.
      const generations = observations.filter((o) => o.type === 'generation');
      expect(generations).toHaveLength(2);
      const firstCall = { input: 6, input_cached_tokens: 4, input_cache_creation: 0, output: 3, output_reasoning_tokens: 2 };
      const secondCall = { input: 16, input_cached_tokens: 4, input_cache_creation: 0, output: 5, output_reasoning_tokens: 2 };
      expect(generations.map((g) => g.usageDetails)).toEqual([expect.objectContaining(firstCall), expect.objectContaining(secondCall)]);
      for (const generation of generations) {
        expect(generation.model).toBe('mock-model');
        expect(generation.input).toEqual(expect.arrayContaining([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]));
        expect(generation.output).toBeDefined();
      }

      // The agent: an agent observation without model, usage or cost (nothing to price); its totals as metadata.
      const agents = observations.filter((o) => o.type === 'agent');
      expect(agents).toHaveLength(1);
      expect(agents[0]!.model).toBeUndefined();
      expect(agents[0]!.usageDetails).toEqual({});
      expect(agents[0]!.costDetails).toEqual({});
      expect(agents[0]!.aggregateUsage).toMatchObject({ input_tokens: 30, output_tokens: 12, 'cache_read.input_tokens': 8 });
      expect(observations.filter((o) => o.type === 'tool').map((o) => o.name)).toEqual(['weather']);

      // Usage summed over everything the receiver stored for the trace equals the model calls' own: counted once.
      const stored = sum(observations.map((o) => o.usageDetails));
      expect(stored).toMatchObject({ input: 22, input_cached_tokens: 8, output: 8, output_reasoning_tokens: 4 });
      expect(stored['input']! + stored['input_cached_tokens']! + stored['input_cache_creation']!).toBe(30);
      expect(stored['output']! + stored['output_reasoning_tokens']!).toBe(12);
      expect(observations.filter((o) => Object.keys(o.usageDetails).length > 0 || o.model !== undefined).map((o) => o.type)).toEqual([
        'generation',
        'generation',
      ]);
    });
  });
});
