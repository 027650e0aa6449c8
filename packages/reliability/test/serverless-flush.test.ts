import { describe, expect, it } from 'vitest';
import { runChild, type ChildResult } from './child-app.js';
import { guardSuite, observe, PUBLIC_KEY, recordFigures, SECRET_KEY, useSuiteReceiver } from './harness.js';

const SUITE = 'serverless-flush';
guardSuite(SUITE);
const receiver = useSuiteReceiver({ needsBuild: true });

const env = () => ({ LANGFUSE_PUBLIC_KEY: PUBLIC_KEY, LANGFUSE_SECRET_KEY: SECRET_KEY, LANGFUSE_BASE_URL: receiver().url });

const INVOCATIONS = 3;

/** The two handler styles, each making one trace of two spans per invocation. */
const HANDLERS = {
  lambda: `async (event, context) => tracing.langfuse.trace({ name: 'lambda-' + event.n }, () => tracing.langfuse.span({ name: 'work' }, () => ({ statusCode: 200, body: String(event.n) })))`,
  fetch: `async (request, ctx) => tracing.langfuse.trace({ name: 'fetch-' + new URL(request.url).searchParams.get('n') }, () => tracing.langfuse.span({ name: 'work' }, () => new Response('ok ' + request.url)))`,
} as const;

const INVOKE = {
  lambda: (extra: string) => `handler({ n }, { functionName: 'f', awsRequestId: 'r' + n${extra} })`,
  fetch: (extra: string) => `handler(new Request('http://app.test/?n=' + n)${extra})`,
} as const;

/**
 * How the platform offers waitUntil, if at all. The "platform" keeps the invocation alive for the promises given to
 * it (as Vercel and Cloudflare do), then freezes it: here, the process exits the moment they settle.
 */
type WaitUntilStyle = 'none' | 'ctx' | 'vercel';

function childScript(style: 'lambda' | 'fetch', waitUntil: WaitUntilStyle, wrap = true): string {
  const ctxArg = style === 'lambda' ? '' : ', ctx';
  return `
tracing.setupLangfuse({ flushInterval: 60000, flushOnExit: false });
const pending = [];
const ctx = { waitUntil(promise) { if (this !== ctx) throw new TypeError('Illegal invocation'); pending.push(promise); } };
${waitUntil === 'vercel' ? "globalThis[Symbol.for('@vercel/request-context')] = { get: () => ({ waitUntil: (promise) => pending.push(promise) }) };" : ''}
const handler = ${wrap ? `tracing.withLangfuseFlush(${HANDLERS[style]})` : HANDLERS[style]};
for (let n = 0; n < ${INVOCATIONS}; n++) {
  const result = await ${INVOKE[style](waitUntil === 'ctx' ? ctxArg || ', ctx' : '')};
  const flushStillRunning = pending.length > 0 && (await Promise.race([Promise.all(pending).then(() => false), Promise.resolve(true)]));
  report({ n, result: result instanceof Response ? await result.text() : result, handedToWaitUntil: pending.length, flushStillRunning });
  await Promise.all(pending.splice(0));
}
// The freeze: the platform ends the process as soon as the handler (and what waitUntil was given) is done.
process.exit(0);
`;
}

function delivered(): string[] {
  return receiver()
    .events()
    .filter((event) => event.type === 'trace-create')
    .map((event) => String(event.body['name']))
    .sort();
}

function check(child: ChildResult, style: 'lambda' | 'fetch', waitUntil: WaitUntilStyle): void {
  observe(child.stderr);
  expect(child.code).toBe(0);
  expect(child.stderr).not.toContain('not sent to Langfuse');
  const results = child.messages.filter((m) => 'n' in m);
  expect(results).toHaveLength(INVOCATIONS);
  for (const result of results) {
    expect(result['handedToWaitUntil']).toBe(waitUntil === 'none' ? 0 : 1);
    expect(JSON.stringify(result['result'])).toContain(style === 'lambda' ? `"statusCode":200` : 'ok http://app.test/');
  }
  expect(delivered()).toEqual(Array.from({ length: INVOCATIONS }, (_, n) => `${style}-${n}`).sort());
  expect(receiver().events().filter((event) => event.type !== 'trace-create')).toHaveLength(INVOCATIONS * 2);
}

describe('withLangfuseFlush: a process frozen right after the handler loses nothing', () => {
  for (const style of ['lambda', 'fetch'] as const) {
    for (const waitUntil of ['none', 'ctx', 'vercel'] as const) {
      if (style === 'lambda' && waitUntil === 'ctx') continue; // Lambda's context has no waitUntil
      it(`${style} handler, waitUntil: ${waitUntil}`, async () => {
        receiver().reset();
        const child = await runChild(childScript(style, waitUntil), { env: env(), killAfterMs: 30_000 });
        check(child, style, waitUntil);
        recordFigures({ suite: SUITE, case: `${style}, waitUntil ${waitUntil}, exit after handler`, faults: 'none', events: INVOCATIONS * 3, stored: receiver().events().length, duplicated: 0, deadLettered: 0, lost: INVOCATIONS * 3 - receiver().events().length });
      }, 40_000);
    }
  }

  it('control: the same freeze without the helper loses the spans, and the exit line says so', async () => {
    receiver().reset();
    const child = await runChild(childScript('lambda', 'none', false), { env: env(), killAfterMs: 30_000 });
    observe(child.stderr);
    expect(delivered()).toEqual([]);
    expect(child.stderr).toContain(`${INVOCATIONS * 2} spans not sent to Langfuse`);
  }, 40_000);

  it('with waitUntil, the response returns before the flush ends (the flush leaves the response path)', async () => {
    receiver().reset();
    receiver().faults.push({ delayMs: 500, times: 10 });
    const child = await runChild(childScript('fetch', 'ctx'), { env: env(), killAfterMs: 30_000 });
    observe(child.stderr);
    const results = child.messages.filter((m) => 'n' in m);
    expect(results.every((result) => result['flushStillRunning'] === true)).toBe(true);
    expect(delivered()).toHaveLength(INVOCATIONS);
  }, 40_000);

  it('Langfuse hanging: each invocation waits at most the flush deadline (default 2.5 s), nothing thrown', async () => {
    receiver().reset();
    receiver().faults.push({ hang: true, times: 100 });
    const child = await runChild(
      `
tracing.setupLangfuse({ flushOnExit: false });
const handler = tracing.withLangfuseFlush(async (event) => tracing.langfuse.trace({ name: 'hung' }, () => ({ statusCode: 200 })));
const started = Date.now();
const result = await handler({}, {});
report({ ms: Date.now() - started, result });
process.exit(0);
`,
      { env: env(), killAfterMs: 30_000 },
    );
    observe(child.stderr);
    expect(child.code).toBe(0);
    const message = child.messages[0] as { ms: number; result: unknown };
    expect(message.result).toEqual({ statusCode: 200 });
    expect(message.ms).toBeLessThan(2_500 + 2_000);
  }, 40_000);
});
