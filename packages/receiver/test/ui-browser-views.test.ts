import { describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { generationCreate, traceCreate } from './event-builders.js';
import { ingest } from './ingestion-client.js';
import { findChromium, useViewerBrowser, watchedPage } from './chromium-page.js';
import { mediaReference, solidPng, storeMedia } from './viewer-fixtures.js';

// The viewer's session page, inline media, derived costs and key gate in a real browser (see chromium-page.ts).

const chromium = findChromium('ui-browser-views.test.ts');
const XSS = '<img src=x onerror="window.__xss=1">';

describe.skipIf(chromium === undefined)('the viewer in chromium: sessions, media, derived costs', () => {
  const viewer = useViewerBrowser(chromium!, { modelPrices: [{ model: 'gpt-4o-mini', prices: { input: 1e-6, output: 2e-6 } }] });
  const { open } = viewer;

  it('the session value in the list opens the session page: its traces oldest first, the XSS session id as text', async () => {
    await ingest(viewer.receiver, [
      traceCreate({ id: 's-later', name: 'later', sessionId: XSS, timestamp: '2024-05-01T10:05:00.000Z' }),
      traceCreate({ id: 's-first', name: 'first', sessionId: XSS, timestamp: '2024-05-01T10:00:00.000Z' }),
      traceCreate({ id: 's-other', name: 'other', sessionId: 'another', timestamp: '2024-05-01T10:01:00.000Z' }),
    ]);
    const page = await open('/', true);
    await page.waitForSelector('tr[data-trace-id="s-first"] a.session', { timeout: 15_000 });
    await page.click('tr[data-trace-id="s-first"] a.session');
    await page.waitForSelector('.session-header', { timeout: 15_000 });
    const view = await page.$eval('main', (main) => ({
      title: main.querySelector('h1')?.textContent,
      ids: [...main.querySelectorAll('tr[data-trace-id]')].map((row) => row.getAttribute('data-trace-id')),
      images: main.querySelectorAll('img').length,
    }));
    expect(view).toEqual({ title: `Session ${XSS}`, ids: ['s-first', 's-later'], images: 0 });
    expect(decodeURIComponent(page.url())).toBe(`${viewer.receiver.url}/#/session/${XSS}`);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    await page.close();
  }, 60_000);

  it('the session on a trace page links to the same session page', async () => {
    await ingest(viewer.receiver, [traceCreate({ id: 'from-trace', sessionId: 'sess-2', timestamp: '2024-05-01T09:00:00.000Z' })]);
    const page = await open('/#/trace/from-trace');
    await page.waitForSelector('.detail-pane a.session', { timeout: 15_000 });
    await page.click('.detail-pane a.session');
    await page.waitForSelector('.session-header ~ table tr[data-trace-id="from-trace"]', { timeout: 15_000 });
    expect(await page.$eval('.session-header h1', (node) => node.textContent)).toBe('Session sess-2');
    await page.close();
  }, 60_000);

  it('shows a stored image inline from the receiver, other media as labelled chips, a forged reference as text', async () => {
    const png = solidPng(4, 3, [30, 120, 200]);
    const mediaId = await storeMedia(viewer.receiver, png, 'image/png', 'media-trace');
    const forged = `@@@langfuseMedia:type=image/png|id=${XSS}|source=x@@@`;
    await ingest(viewer.receiver, [
      traceCreate({
        id: 'media-trace',
        input: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in this picture?' },
              { type: 'image_url', image_url: { url: mediaReference(mediaId, 'image/png') } },
            ],
          },
        ],
        output: `heard ${mediaReference('no-such-audio', 'audio/wav')} and ${forged}`,
      }),
    ]);
    const page = await open('/#/trace/media-trace', true);
    await page.waitForFunction(`[...document.querySelectorAll('.detail-pane img')].some((img) => img.complete && img.naturalWidth === 4)`, { timeout: 15_000 });
    // The conversation is shown; the raw JSON beside it (hidden until toggled) renders the same references. Images are
    // counted in both, so an image made from the forged reference anywhere in the pane would show.
    const detail = await page.$eval('.detail-pane', (pane) => ({
      images: [...pane.querySelectorAll('img')].map((img) => [img.getAttribute('src'), img.getAttribute('alt'), img.closest('.raw') === null]),
      chips: [...pane.querySelectorAll('.media-chip')].filter((chip) => chip.closest('.raw') === null).map((chip) => chip.textContent),
    }));
    const image = [`/api/receiver/media/${mediaId}`, `image/png ${png.length} B`];
    expect(detail.images).toEqual([[...image, true], [...image, false]]);
    expect(detail.chips).toEqual(['[audio/wav, not stored here]', '[image/png, not stored here]']);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    await page.close();
  }, 60_000);

  it('a reference to a media id named like a property of Object (constructor, __proto__) is an unknown media chip', async () => {
    await ingest(viewer.receiver, [
      traceCreate({
        id: 'proto-media',
        metadata: { refs: ['constructor', '__proto__', 'toString'].map((id) => mediaReference(id, 'image/png')).join(' ') },
      }),
    ]);
    const page = await open('/#/trace/proto-media');
    await page.waitForSelector('.detail-pane .media-chip', { timeout: 15_000 });
    const chips = await page.$eval('.detail-pane', (pane) => [...pane.querySelectorAll('.media-chip')].map((chip) => chip.textContent));
    expect(chips).toEqual(Array.from({ length: 3 }, () => '[image/png, not stored here]'));
    expect(await page.$$eval('.detail-pane img', (images) => images.length)).toBe(0);
    await page.close();
  }, 60_000);

  it('cuts a long string in the JSON view even when it holds media references, keeping a reference across the cut whole', async () => {
    const png = solidPng(2, 2, [10, 200, 10]);
    const mediaId = await storeMedia(viewer.receiver, png, 'image/png', 'long-media');
    const long = `${'a'.repeat(9_950)}${mediaReference(mediaId, 'image/png')}${'b'.repeat(3_000_000)}`;
    await ingest(viewer.receiver, [traceCreate({ id: 'long-media', metadata: { long } })]);
    const page = await open('/#/trace/long-media');
    // The image is below 9,950 characters of text: loaded lazily, so only its element is checked.
    await page.waitForSelector(`.detail-pane .json-string img[src="/api/receiver/media/${mediaId}"]`, { timeout: 15_000 });
    const strings = await page.$$eval('.detail-pane .json-string', (nodes) => nodes.map((node) => node.textContent ?? ''));
    expect(strings).toHaveLength(1);
    expect(strings[0]!.length).toBeLessThan(10_100);
    expect(strings[0]).toMatch(new RegExp(`^a{9950}… \\(${long.length} characters\\)$`));
    await page.close();
  }, 60_000);

  it('marks a cost derived from the price table in the list and on the trace page; a carried cost is not marked', async () => {
    await ingest(viewer.receiver, [
      traceCreate({ id: 'derived-cost', name: 'derived', timestamp: '2030-01-01T00:00:00.000Z' }),
      generationCreate({ id: 'dg', traceId: 'derived-cost', model: 'gpt-4o-mini', usageDetails: { input: 1000, output: 500 }, costDetails: undefined }),
      traceCreate({ id: 'carried-cost', name: 'carried', timestamp: '2029-01-01T00:00:00.000Z' }),
      generationCreate({ id: 'cg', traceId: 'carried-cost', model: 'gpt-4o-mini', usageDetails: { input: 1000 }, costDetails: { total: 0.5 } }),
    ]);
    const page = await open('/');
    await page.waitForSelector('tr[data-trace-id="derived-cost"]', { timeout: 15_000 });
    const cells = await page.evaluate(`['derived-cost', 'carried-cost'].map((id) => {
      const cell = document.querySelector('tr[data-trace-id="' + id + '"]').children[11];
      return [cell.textContent, cell.classList.contains('derived'), cell.title.startsWith('Derived')];
    })`);
    expect(cells).toEqual([
      ['$0.0020', true, true],
      ['$0.5000', false, false],
    ]);
    await page.click('tr[data-trace-id="derived-cost"] td.name a');
    await page.waitForSelector('.tree-row[data-observation-id="dg"] .totals .derived', { timeout: 15_000 });
    await page.click('.tree-row[data-observation-id="dg"]');
    await page.waitForFunction(`[...document.querySelectorAll('.detail-pane h3')].some((h) => h.textContent === 'Cost (derived from usage with the price table)')`, { timeout: 15_000 });
    await page.close();
  }, 60_000);
});

describe.skipIf(chromium === undefined)('the viewer in chromium behind the key gate', () => {
  const viewer = useViewerBrowser(chromium!, { publicKey: 'pk-lf-browser', secretKey: 'sk-lf-browser-secret' }, async (receiver) => {
    await ingest(receiver, [traceCreate({ id: 'gated', name: 'behind the gate' })]);
  });
  const { problems } = viewer;

  // Headless chromium cannot show the sign-in prompt a 401 with a Basic challenge opens: it fails the navigation.
  const refused = (page: Page, url: string): Promise<string> =>
    page.goto(url).then(
      (response) => `HTTP ${response?.status()}`,
      (error: unknown) => String(error),
    );

  it('without credentials the page is refused; the one-time link opens it live with an HttpOnly cookie, once', async () => {
    const stranger = await watchedPage(viewer.browser, viewer.receiver.url, problems, true);
    expect(await refused(stranger, `${viewer.receiver.url}/`)).toMatch(/HTTP 401|ERR_INVALID_AUTH_CREDENTIALS/);

    const link = viewer.receiver.viewerUrl();
    const page = await watchedPage(viewer.browser, viewer.receiver.url, problems, true);
    await page.goto(link);
    expect(page.url()).toBe(`${viewer.receiver.url}/`);
    await page.waitForSelector('tr[data-trace-id="gated"]', { timeout: 15_000 });
    await page.waitForFunction(`document.getElementById('live')?.textContent === 'live'`, { timeout: 15_000 });
    expect(await page.evaluate('document.cookie')).toBe('');
    await ingest(viewer.receiver, [traceCreate({ id: 'gated-live', name: 'arrives later' })]);
    await page.waitForSelector('tr[data-trace-id="gated-live"]', { timeout: 15_000 });

    const second = await watchedPage(viewer.browser, viewer.receiver.url, problems, true);
    expect(await refused(second, link)).toMatch(/HTTP 401|ERR_INVALID_AUTH_CREDENTIALS/);
    await Promise.all([stranger.close(), page.close(), second.close()]);
  }, 60_000);

  it('the keys entered at the sign-in prompt (Basic auth) open the viewer and its live feed', async () => {
    const page = await watchedPage(viewer.browser, viewer.receiver.url, problems, true);
    await page.authenticate({ username: 'pk-lf-browser', password: 'sk-lf-browser-secret' });
    await page.goto(`${viewer.receiver.url}/`);
    await page.waitForSelector('tr[data-trace-id="gated"]', { timeout: 15_000 });
    await page.waitForFunction(`document.getElementById('live')?.textContent === 'live'`, { timeout: 15_000 });
    await page.close();
  }, 60_000);
});
