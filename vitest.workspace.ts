import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The one place the test projects are defined. Run with `vitest --config vitest.workspace.ts`
// (vitest 4 reads projects from `test.projects`; it no longer picks up this file by name).

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests run against the TypeScript sources, so a test never sees a stale build.
const alias = {
  '@otel-langfuse/exporter': src('exporter'),
  '@otel-langfuse/receiver': src('receiver'),
  '@otel-langfuse/test-support': src('test-support'),
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'exporter',
          root: './packages/exporter',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'receiver',
          root: './packages/receiver',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
    ],
  },
});
