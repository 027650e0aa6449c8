import { describe, expect, it } from 'vitest';
import { generationCreate, scoreCreate, spanCreate, traceCreate } from './event-builders.js';
import { ingest } from './ingestion-client.js';
import { findChromium, useViewerBrowser } from './chromium-page.js';

// The viewer in a real browser (see chromium-page.ts); skipped, saying why, where no chromium is installed.

const chromium = findChromium('ui-browser.test.ts');

const XSS = '<img src=x onerror="window.__xss=1">';

describe.skipIf(chromium === undefined)('the trace viewer in chromium', () => {
  const viewer = useViewerBrowser(chromium!);
  const { open } = viewer;

  it('lists a trace that arrives while the page is open, its XSS name as text', async () => {
    const page = await open('/', true);
    await page.waitForFunction(`document.getElementById('live')?.textContent === 'live'`, { timeout: 15_000 });
    await ingest(viewer.receiver, [
      traceCreate({ id: 'live-xss', name: XSS, userId: 'mallory', tags: ['<b>tag</b>'] }),
      spanCreate({ id: 'root', traceId: 'live-xss', name: XSS, metadata: { html: '<script>window.__xss=2</script>' } }),
      generationCreate({
        id: 'gen',
        traceId: 'live-xss',
        parentObservationId: 'root',
        name: 'llm',
        usageDetails: { input: 30, output: 12 },
        costDetails: { total: 0.5 },
        input: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: XSS }],
        output: { role: 'assistant', content: 'Hello' },
      }),
      scoreCreate({ traceId: 'live-xss', observationId: 'gen', name: 'helpful', value: 1 }),
    ]);
    const name = await page.waitForSelector('tr[data-trace-id="live-xss"] td.name a', { timeout: 15_000 });
    expect(await name?.evaluate((node) => node.textContent)).toBe(XSS);
    const row = await page.$eval('tr[data-trace-id="live-xss"]', (node) => ({
      images: node.querySelectorAll('img').length,
      tokens: node.children[10]?.textContent,
      cost: node.children[11]?.textContent,
    }));
    expect(row).toEqual({ images: 0, tokens: '42', cost: '$0.5000' });
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    await page.close();
  }, 60_000);

  it('shows the tree with rolled-up totals and a selected generation as a conversation, XSS as text', async () => {
    const page = await open('/#/trace/live-xss', true);
    await page.waitForSelector('.tree-row[data-observation-id="gen"]', { timeout: 15_000 });
    expect(await page.$eval('.tree-row[data-observation-id="root"] .totals', (node) => node.textContent)).toBe('42 tok · $0.5000');
    await page.click('.tree-row[data-observation-id="gen"]');
    await page.waitForSelector('.detail-pane .chat', { timeout: 15_000 });
    const detail = await page.$eval('.detail-pane', (pane) => ({
      title: pane.querySelector('h2')?.textContent,
      roles: [...pane.querySelectorAll('.message .role')].map((node) => node.textContent),
      texts: [...pane.querySelectorAll('.message .text')].map((node) => node.textContent),
      scores: pane.querySelector('.scores')?.textContent,
      images: pane.querySelectorAll('img').length,
    }));
    expect(detail).toEqual({
      title: 'GEN llm',
      roles: ['system', 'user', 'assistant'],
      texts: ['Be brief.', XSS, 'Hello'],
      scores: 'helpful = 1',
      images: 0,
    });
    expect(page.url()).toBe(`${viewer.receiver.url}/#/trace/live-xss?obs=gen`);
    await page.click('.tree-row[data-observation-id="root"]');
    await page.waitForFunction(`document.querySelector('.detail-pane h2')?.textContent?.includes('onerror')`, { timeout: 15_000 });
    const metadata = await page.$eval('.detail-pane .json-string', (node) => node.textContent);
    expect(metadata).toBe('<script>window.__xss=2</script>');
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    await page.close();
  }, 60_000);

  it('draws a long chat message cut at 20,000 characters, saying how long it was', async () => {
    const long = `start ${'a'.repeat(60_000)} end`;
    await ingest(viewer.receiver, [
      traceCreate({ id: 'long-chat', name: 'long' }),
      generationCreate({ id: 'long-gen', traceId: 'long-chat', name: 'llm', input: [{ role: 'user', content: long }] }),
    ]);
    const page = await open('/#/trace/long-chat?obs=long-gen');
    await page.waitForSelector('.detail-pane .message .text', { timeout: 15_000 });
    const text = await page.$eval('.detail-pane .message .text', (node) => node.textContent ?? '');
    expect(text.startsWith('start ')).toBe(true);
    expect(text).not.toContain(' end');
    expect(text.length).toBeLessThan(20_100);
    expect(text).toContain(`(${long.length} characters)`);
    await page.close();
  }, 60_000);
});
