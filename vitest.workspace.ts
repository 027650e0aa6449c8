import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The one place the test projects are defined. Run with `vitest --config vitest.workspace.ts`
// (vitest 4 reads projects from `test.projects`; it no longer picks up this file by name).

const PACKAGES = ['exporter', 'receiver', 'tracing', 'packaging-check'] as const;

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests run against the TypeScript sources, so a test never sees a stale build.
const alias = {
  // Subpath exports first: an alias matches by prefix.
  '@otel-langfuse/exporter/mapping': fileURLToPath(new URL('./packages/exporter/src/mapping/index.ts', import.meta.url)),
  '@otel-langfuse/exporter/internal': fileURLToPath(new URL('./packages/exporter/src/internal.ts', import.meta.url)),
  ...Object.fromEntries(['exporter', 'receiver', 'tracing', 'test-support'].map((pkg) => [`@otel-langfuse/${pkg}`, src(pkg)])),
};

const project = (name: (typeof PACKAGES)[number]) => ({
  resolve: { alias },
  test: {
    name,
    root: `./packages/${name}`,
    include: ['test/**/*.test.ts'],
    environment: 'node' as const,
    testTimeout: name === 'packaging-check' ? 120_000 : 20_000,
  },
});

// The reliability suite (fault matrix, outage soak, bad input, security) drives the whole stack from its own private
// package (packages/reliability); kept apart so it can be run alone (`--project reliability`) and so its longer cases do not slow the unit feedback loop.
const reliability = {
  resolve: { alias },
  test: {
    name: 'reliability',
    root: './packages/reliability',
    include: ['test/**/*.test.ts'],
    environment: 'node' as const,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
};

export default defineConfig({
  test: {
    projects: [...PACKAGES.map(project), reliability],
  },
});
