// The receiver's browser viewer under load, in headless chromium (not part of `pnpm bench`'s table; needs chromium:
// apt-get install chromium, or CHROMIUM_PATH). After `pnpm run build`:
//   node packages/bench/src/viewer-paint.mjs [--runs=5]
// Prints the median over runs of: the list's first rows with 10,000 traces stored, its last page, a text filter, and a
// 500-observation trace page (tree and details drawn), each from navigation start, plus the first contentful paint.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startReceiver } from '@otel-langfuse/receiver';

const runs = Number(/^--runs=(\d+)$/.exec(process.argv.find((arg) => arg.startsWith('--runs=')) ?? '')?.[1] ?? 5);
const chromium = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => path && existsSync(path));
if (!chromium) {
  console.error('viewer-paint: no chromium found (apt-get install chromium, or set CHROMIUM_PATH)');
  process.exit(1);
}
// puppeteer-core is a dev dependency of the receiver (its browser tests), resolved from there.
const require = createRequire(new URL('../../receiver/package.json', import.meta.url));
const { launch } = await import(require.resolve('puppeteer-core'));

const receiver = await startReceiver();
const auth = `Basic ${Buffer.from(`${receiver.publicKey}:${receiver.secretKey}`).toString('base64')}`;
let seq = 0;
const envelope = (type, body) => ({ id: `e-${++seq}`, timestamp: new Date().toISOString(), type, body });

async function post(batch) {
  const response = await fetch(`${receiver.url}/api/public/ingestion`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ batch }),
  });
  if (response.status !== 207) throw new Error(`ingestion answered ${response.status}`);
}

// 10,000 traces, each with one generation.
const base = Date.parse('2026-01-01T00:00:00.000Z');
for (let start = 0; start < 10_000; start += 500) {
  const batch = [];
  for (let i = start; i < start + 500; i++) {
    const at = new Date(base + i * 1000).toISOString();
    batch.push(envelope('trace-create', { id: `t-${i}`, name: `request ${i}`, userId: `user-${i % 50}`, sessionId: `s-${i % 700}`, tags: ['bench'], timestamp: at }));
    batch.push(envelope('generation-create', {
      id: `g-${i}`, traceId: `t-${i}`, name: 'llm', model: 'gpt-4o-mini', startTime: at, endTime: new Date(base + i * 1000 + 400).toISOString(),
      usageDetails: { input: 120, output: 40 }, costDetails: { total: 0.0001 },
    }));
  }
  await post(batch);
}

// One trace of 500 observations: 50 agent steps of a span, 8 nested generations with chat input, and an event.
const big = [envelope('trace-create', { id: 'big', name: '500 observations', timestamp: new Date(base).toISOString() })];
let count = 0;
const at = (ms) => new Date(base + ms).toISOString();
for (let step = 0; step < 50; step++) {
  const spanId = `step-${step}`;
  big.push(envelope('span-create', { id: spanId, traceId: 'big', name: `step ${step}`, startTime: at(step * 100), endTime: at(step * 100 + 95) }));
  count++;
  for (let k = 0; k < 9 && count < 500; k++, count++) {
    const type = k === 8 ? 'event-create' : 'generation-create';
    big.push(envelope(type, {
      id: `${spanId}-${k}`, traceId: 'big', parentObservationId: spanId, name: `call ${k}`, model: 'gpt-4o-mini',
      startTime: at(step * 100 + k * 10), endTime: at(step * 100 + k * 10 + 9),
      input: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: `question ${step}.${k} `.repeat(20) }],
      output: { role: 'assistant', content: `answer ${step}.${k}` },
      usageDetails: { input: 300, output: 20 }, costDetails: { total: 0.0002 },
    }));
  }
}
await post(big);

const browser = await launch({ executablePath: chromium, args: ['--no-sandbox', '--disable-gpu'] });
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * ms from navigation start until `ready` first holds in the page (checked by a MutationObserver in the page at each
 * DOM change, so the figure holds no round trip to the test driver), and the first contentful paint.
 */
async function measure(path, ready) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  await page.evaluateOnNewDocument(`new MutationObserver(() => {
    if (window.__ready === undefined && (${ready})) window.__ready = performance.now();
  }).observe(document, { subtree: true, childList: true });`);
  await page.goto(`${receiver.url}${path}`);
  await page.waitForFunction('window.__ready !== undefined', { timeout: 60_000 });
  const result = await page.evaluate(`({ ready: window.__ready, fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN })`);
  await page.close();
  return result;
}

const cases = [
  ['list, 10,000 traces: first 50 rows', '/', `document.querySelectorAll('tr[data-trace-id]').length === 50`],
  // 10,001 traces with the big one: 201 pages of 50; the oldest (t-0) is on the last.
  ['list, 10,000 traces: last page', '/#/?page=200', `document.querySelector('tr[data-trace-id="t-0"]') !== null`],
  ['list, 10,000 traces: text filter', '/#/?text=request%209999', `document.querySelector('tr[data-trace-id="t-9999"]') !== null`],
  ['trace page, 500 observations', '/#/trace/big', `document.querySelectorAll('.tree-row').length === 501 && document.querySelector('.detail-pane h2') !== null`],
];
await measure('/', 'true'); // warm-up: the browser's first start of a renderer
console.log(`| view | ready (median of ${runs}, ms) | first contentful paint (ms) |`);
console.log('|---|---:|---:|');
for (const [label, path, ready] of cases) {
  const results = [];
  for (let run = 0; run < runs; run++) results.push(await measure(path, ready));
  console.log(`| ${label} | ${median(results.map((r) => r.ready)).toFixed(0)} | ${median(results.map((r) => r.fcp)).toFixed(0)} |`);
}
await browser.close();
await receiver.close();
