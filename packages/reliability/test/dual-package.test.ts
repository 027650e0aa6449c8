import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { guardSuite, PUBLIC_KEY, REPO, SECRET_KEY, tmpFile, useSuiteReceiver } from './harness.js';

// One process, both builds of @otel-langfuse/tracing: the setup made through one (a `-r` / `--import` preload) is
// what `langfuse.trace()` of the other uses. A module variable per build would trace nothing, silently.

const SUITE = 'dual-package';
guardSuite(SUITE);
const receiver = useSuiteReceiver({ needsBuild: true });

const ESM = pathToFileURL(join(REPO, 'packages/tracing/dist/index.js')).href;
const CJS = join(REPO, 'packages/tracing/dist/cjs/index.js');

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, args, { cwd: join(REPO, 'packages/tracing'), env: { ...process.env, ...env }, timeout: 30_000 }, (_error, stdout, stderr) =>
      resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

describe('setup through one build, tracing through the other', () => {
  it.each([
    { setup: 'require (node -r setup.cjs)', use: 'import' },
    { setup: 'import (node --import setup.mjs)', use: 'require' },
  ])('setup by $setup, langfuse.trace() by $use: one trace arrives', async ({ use }) => {
    if (!existsSync(CJS)) throw new Error('packages/tracing is not built for CommonJS: run `pnpm run build` first');
    const viaRequire = use === 'import';
    const setupFile = tmpFile(viaRequire ? 'setup.cjs' : 'setup.mjs');
    const appFile = tmpFile(viaRequire ? 'app.mjs' : 'app.cjs');
    const setupBody = 'globalThis.__tracing = tracing.setupLangfuse();\n';
    writeFileSync(setupFile, viaRequire ? `const tracing = require(${JSON.stringify(CJS)});\n${setupBody}` : `import * as tracing from ${JSON.stringify(ESM)};\n${setupBody}`);
    const appBody = `
  const name = await tracing.langfuse.trace({ name: 'dual-${use}', userId: 'u-1' }, async (trace) => {
    await trace.span({ name: 'inner' }, async () => 1);
    return 'done';
  });
  await globalThis.__tracing.shutdown();
  console.log(name);
`;
    writeFileSync(
      appFile,
      viaRequire
        ? `import * as tracing from ${JSON.stringify(ESM)};\n${appBody}`
        : `const tracing = require(${JSON.stringify(CJS)});\n(async () => {${appBody}})();\n`,
    );
    const preload = viaRequire ? ['-r', setupFile] : ['--import', pathToFileURL(setupFile).href];
    const result = await run([...preload, appFile], { LANGFUSE_PUBLIC_KEY: PUBLIC_KEY, LANGFUSE_SECRET_KEY: SECRET_KEY, LANGFUSE_BASE_URL: receiver().url });
    expect(result.stderr).not.toContain('not set up');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('done');
    const traces = receiver().events().filter((e) => e.type === 'trace-create' && e.body['name'] === `dual-${use}`);
    expect(traces.length).toBeGreaterThan(0);
    const observations = receiver().events().filter((e) => e.type !== 'trace-create' && e.body['traceId'] === traces[0]!.body.id);
    expect(observations.map((e) => e.body['name']).sort()).toEqual([`dual-${use}`, 'inner']);
  });
});
