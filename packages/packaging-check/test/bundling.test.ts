import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '@otel-langfuse/test-support';

// The recipes of docs/bundling.md, as written there: an app that uses the built packages, bundled with esbuild, run,
// and its trace received. ESM output needs the `require` banner: CommonJS dependencies inside the bundle
// (OpenTelemetry's, got's) call require() for Node built-ins, which an ES module does not have.

const here = fileURLToPath(new URL('.', import.meta.url));
const REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

const APP = `
import { langfuse, setupLangfuse } from '@otel-langfuse/tracing';
const tracing = setupLangfuse();
const answer = await langfuse.trace({ name: 'bundled-app', userId: 'u-1' }, async (trace) =>
  trace.generation({ name: 'llm', model: 'gpt-4o-mini', input: 'hi' }, async (generation) => {
    generation.update({ output: 'hello', usage: { input: 2, output: 1 } });
    return 'hello';
  }),
);
await tracing.shutdown();
console.log(answer);
`;

let work: string;
let receiver: TestReceiver;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'otel-langfuse-bundling-'));
  receiver = await startTestReceiver();
});

afterAll(async () => {
  await receiver?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

function run(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, LANGFUSE_PUBLIC_KEY: receiver.publicKey, LANGFUSE_SECRET_KEY: receiver.secretKey, LANGFUSE_BASE_URL: receiver.url };
    const child = execFile(process.execPath, [file], { cwd: work, env, timeout: 30_000 }, (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }));
  });
}

describe('bundled with esbuild (docs/bundling.md)', () => {
  it.each([
    { name: 'ESM with the require banner', outfile: 'app.mjs', options: { format: 'esm', banner: { js: REQUIRE_BANNER } } satisfies BuildOptions },
    { name: 'ESM with dependencies left external', outfile: 'external.mjs', options: { format: 'esm', packages: 'external' } satisfies BuildOptions },
  ])('$name: the bundle runs and its trace arrives', async ({ outfile, options }) => {
    receiver.reset();
    const file = join(here, '..', outfile); // beside this package's node_modules: external packages resolve from there
    try {
      await build({ stdin: { contents: APP, resolveDir: here, sourcefile: 'app.mjs' }, bundle: true, platform: 'node', target: 'node20', outfile: file, logLevel: 'silent', ...options });
      const result = await run(file);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe('hello');
    } finally {
      rmSync(file, { force: true });
    }
    const types = receiver.events().map((event) => event.type).sort();
    expect(types).toEqual(['generation-create', 'span-create', 'trace-create']);
  });
});
