import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTraceId, langfuse, withTraceId } from '../src/index.js';
import { mergedTrace, treeOf, useTracingTestBed } from './helpers.js';

/** Langfuse's JS SDK computes it this way (WebCrypto SHA-256 of the UTF-8 seed, first 32 hex): an independent path. */
async function webCryptoTraceId(seed: string): Promise<string> {
  const digest = new Uint8Array(await webcrypto.subtle.digest('SHA-256', new TextEncoder().encode(seed)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('').slice(0, 32);
}

describe('createTraceId', () => {
  it('with a seed: the first 32 hex of SHA-256 of the UTF-8 seed', async () => {
    // Computed independently: `printf 'ext-12345-67890' | sha256sum` → 3b7dac2a0cfde66e5625113d5c42a0db2b58…
    expect(createTraceId('ext-12345-67890')).toBe('3b7dac2a0cfde66e5625113d5c42a0db');
    // Non-ASCII: UTF-8 bytes, not UTF-16 code units (node -e with crypto.createHash over Buffer.from(seed, 'utf8')).
    expect(createTraceId('héllo ✓')).toBe('5657cdef8a85a584e0e961e6f8247cf5');
    for (const seed of ['ext-12345-67890', 'héllo ✓', 'session-456', '🙂'.repeat(50)]) {
      expect(createTraceId(seed)).toBe(await webCryptoTraceId(seed));
    }
  });

  it('without a seed (or with an empty one, as Langfuse treats it): a random valid W3C trace id', () => {
    const ids = [createTraceId(), createTraceId(), createTraceId(''), createTraceId(undefined)];
    for (const id of ids) expect(id).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('withTraceId', () => {
  const { receiver, setup, logs } = useTracingTestBed({ captureDiag: true });

  it('gives the trace started inside it that id, with its attributes and tree intact', async () => {
    const tracing = setup();
    const traceId = createTraceId('order-42');
    const seen = await withTraceId(traceId, () =>
      langfuse.trace({ name: 'checkout', userId: 'u-1' }, async (t) => {
        await t.span({ name: 'charge' }, async () => 'ok');
        return t.id;
      }),
    );
    await tracing.forceFlush();
    expect(seen).toBe(traceId);
    const events = receiver().events();
    expect(mergedTrace(events, traceId)).toMatchObject({ id: traceId, name: 'checkout', userId: 'u-1' });
    expect(treeOf(events, traceId)).toEqual(['span charge <- checkout', 'span checkout <- (root)']);
  });

  it('an invalid id: one warning, and the trace gets its own id', async () => {
    const tracing = setup();
    const seen = await withTraceId('not-a-trace-id', () => langfuse.trace({ name: 'own-id' }, async (t) => t.id));
    await withTraceId('0'.repeat(32), () => langfuse.trace({ name: 'own-id-2' }, async (t) => t.id));
    await tracing.forceFlush();
    expect(seen).toMatch(/^[0-9a-f]{32}$/);
    expect(logs().lines.filter((l) => l.message.includes('withTraceId'))).toHaveLength(1);
  });
});

describe('withTraceId and sampling', () => {
  const { receiver, setup } = useTracingTestBed();

  it('sampleRate decides by the given id, as for any root: the trace and a score by id agree', async () => {
    const tracing = setup({ sampleRate: 0.5 });
    const seeds = Array.from({ length: 40 }, (_, i) => `ticket-${i}`);
    for (const seed of seeds) {
      await withTraceId(createTraceId(seed), () => langfuse.trace({ name: seed }, async () => undefined));
      langfuse.score({ traceId: createTraceId(seed), name: 'resolved', value: 1 });
    }
    await tracing.forceFlush();
    const events = receiver().events();
    const traced = new Set(events.filter((e) => e.type === 'trace-create').map((e) => e.body.id));
    const scored = new Set(events.filter((e) => e.type === 'score-create').map((e) => e.body['traceId']));
    // Some kept, some dropped (40 ids at 0.5), and exactly the same ones for traces and scores.
    expect(traced.size).toBeGreaterThan(0);
    expect(traced.size).toBeLessThan(seeds.length);
    expect([...scored].sort()).toEqual([...traced].sort());
  });
});
