import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exporterFor, exportSpans, makeSpans, succeeded, useExporterTestBed } from '../helpers.js';

// A v4 server that takes spans over OTLP only: 'auto' starts on the legacy path, is refused, and resends over OTLP.
const { receiver } = useExporterTestBed({ receiver: { mode: 'v4-events-only' } });

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(8 * 1024)]);

describe("media with transport 'auto' across the switch to OTLP", () => {
  it('the resent span carries the reference, and the bytes went up once', async () => {
    const exporter = exporterFor(receiver(), { transport: 'auto' });
    const input = JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'Describe it' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG.toString('base64')}` } }] }]);
    const [span] = makeSpans(1, { 'langfuse.observation.type': 'generation', 'langfuse.observation.input': input });
    expect(succeeded(await exportSpans(exporter, [span!]))).toBe(true);
    expect(exporter.stats().transport).toBe('otlp');
    const stored = receiver()
      .events()
      .find((e) => (e.body as { id?: string }).id === span!.spanContext().spanId);
    const text = JSON.stringify((stored?.body as unknown as { input?: unknown } | undefined)?.input);
    expect(text).toContain('Describe it');
    const [record] = receiver().media();
    expect(text).toContain(`@@@langfuseMedia:type=image/png|id=${record!.mediaId}|source=base64_data_uri@@@`);
    expect(record!.bytes?.equals(PNG)).toBe(true);
    expect(exporter.stats().mediaUploaded).toBe(1);
    await exporter.shutdown();
  });
});
