// Screenshots of the receiver's viewer for docs/receiver-ui.md: a session page and a trace page with an inline image
// and a cost derived from a price table. Needs chromium (apt-get install chromium, or CHROMIUM_PATH). After
// `pnpm run build`:   node packages/bench/src/viewer-screenshots.mjs [output directory, default docs/images]
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { startReceiver } from '@otel-langfuse/receiver';

const out = process.argv[2] ?? new URL('../../../docs/images/', import.meta.url).pathname;
const chromium = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => path && existsSync(path));
if (!chromium) {
  console.error('viewer-screenshots: no chromium found (apt-get install chromium, or set CHROMIUM_PATH)');
  process.exit(1);
}
const require = createRequire(new URL('../../receiver/package.json', import.meta.url));
const { launch } = await import(require.resolve('puppeteer-core'));

const receiver = await startReceiver({ modelPrices: [{ match: '(?i)^gpt-4o-mini', prices: { input: 0.15e-6, output: 0.6e-6 } }] });
const auth = `Basic ${Buffer.from(`${receiver.publicKey}:${receiver.secretKey}`).toString('base64')}`;
let seq = 0;
const envelope = (type, body) => ({ id: `e-${++seq}`, timestamp: new Date().toISOString(), type, body });
const post = (path, body, method = 'POST', headers = {}) =>
  fetch(`${receiver.url}${path}`, { method, headers: { authorization: auth, 'content-type': 'application/json', ...headers }, body });

/** A 240×150 PNG: a sky-to-sea gradient with a sun, as a stand-in photo. */
function picture() {
  const width = 240, height = 150;
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = [0];
    for (let x = 0; x < width; x++) {
      const sun = (x - 170) ** 2 + (y - 45) ** 2 < 400;
      const sea = y > 95;
      row.push(sun ? 250 : sea ? 30 : 120 + y, sun ? 200 : sea ? 90 + (x % 20) : 170 + y / 2, sun ? 60 : sea ? 160 : 235);
    }
    rows.push(Buffer.from(row));
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([length, Buffer.from(type), data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

async function storeImage(bytes, traceId) {
  const sha256Hash = createHash('sha256').update(bytes).digest('base64');
  const { mediaId, uploadUrl } = await (await post('/api/public/media', JSON.stringify({ traceId, contentType: 'image/png', contentLength: bytes.length, sha256Hash, field: 'input' }))).json();
  if (uploadUrl) await fetch(uploadUrl, { method: 'PUT', body: bytes, headers: { 'content-type': 'image/png', 'x-amz-checksum-sha256': sha256Hash } });
  await post(`/api/public/media/${mediaId}`, JSON.stringify({ uploadedAt: new Date().toISOString(), uploadHttpStatus: 200 }), 'PATCH');
  return mediaId;
}

const start = Date.now() - 5 * 60_000;
const at = (ms) => new Date(start + ms).toISOString();
const mediaId = await storeImage(picture(), 'turn-2');
const turns = [
  ['turn-1', 'Plan a day trip to the coast', 0, 1800],
  ['turn-2', 'What is in this photo?', 40_000, 2300],
  ['turn-3', 'Book the 9:40 train', 95_000, 3100],
  ['turn-4', 'Thanks!', 140_000, 600],
];
const batch = [];
for (const [id, question, offset, duration] of turns) {
  batch.push(envelope('trace-create', { id, name: 'assistant-turn', userId: 'alice', sessionId: 'trip-planner-42', tags: ['chat'], timestamp: at(offset), environment: 'production' }));
  batch.push(envelope('span-create', { id: `${id}-root`, traceId: id, name: 'handle-message', startTime: at(offset), endTime: at(offset + duration) }));
  const content = id === 'turn-2'
    ? [{ type: 'text', text: question }, { type: 'image_url', image_url: { url: `@@@langfuseMedia:type=image/png|id=${mediaId}|source=base64_data_uri@@@` } }]
    : question;
  batch.push(envelope('generation-create', {
    id: `${id}-gen`, traceId: id, parentObservationId: `${id}-root`, name: 'openai-chat', model: 'gpt-4o-mini-2024-07-18',
    startTime: at(offset + 50), completionStartTime: at(offset + 350), endTime: at(offset + duration - 50),
    input: [{ role: 'system', content: 'You are a travel assistant.' }, { role: 'user', content }],
    output: { role: 'assistant', content: id === 'turn-2' ? 'A sunny beach with calm sea: good weather for the trip.' : 'Done.' },
    usageDetails: { input: 850 + offset / 1000, output: 120 },
  }));
}
const ingested = await post('/api/public/ingestion', JSON.stringify({ batch }));
if (ingested.status !== 207) throw new Error(`ingestion answered ${ingested.status}`);

const browser = await launch({ executablePath: chromium, args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
await page.setViewport({ width: 1280, height: 560 });
await page.goto(`${receiver.url}/#/session/trip-planner-42`);
await page.waitForSelector('.session-header ~ table tr[data-trace-id="turn-4"]');
await page.screenshot({ path: join(out, 'receiver-ui-session.png') });
await page.setViewport({ width: 1280, height: 760 });
await page.goto(`${receiver.url}/#/trace/turn-2?obs=turn-2-gen`);
await page.waitForFunction(`[...document.querySelectorAll('.detail-pane img')].some((img) => img.complete && img.naturalWidth > 0)`);
await page.screenshot({ path: join(out, 'receiver-ui-media.png') });
await browser.close();
await receiver.close();
console.log(`wrote receiver-ui-session.png and receiver-ui-media.png to ${out}`);
