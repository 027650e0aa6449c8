import { describe, expect, it } from 'vitest';
import { exportOtlp } from './otlp-client.js';
import { simpleSpan, toOtlpProtobuf, T0 } from './otlp-payloads.js';
import { useReceiver } from './use-receiver.js';

// Over OTLP, a server writing the legacy tables turns a child span with trace attributes into a whole trace update:
// its missing release is stored as null and its missing public as false, after the root (it starts later).

function rootAndUpdatingChild() {
  const root = simpleSpan({ attributes: { 'langfuse.trace.public': true, 'langfuse.release': 'r-root' } });
  const child = simpleSpan({ parentSpanId: root.spanId, start: T0 + 200_000_000n, end: T0 + 300_000_000n, attributes: { 'langfuse.user.id': 'u-1' } });
  return { root, spans: [child, root] };
}

// (v4's events table keeps these per observation; the receiver does not model how v4 derives the trace's.)
describe('a v3 server over OTLP', () => {
  const receiver = useReceiver({ mode: 'v3' });

  it("resets the root's release and public flag when a child updates the trace", async () => {
    const { root, spans } = rootAndUpdatingChild();
    await exportOtlp(receiver(), toOtlpProtobuf({ spans }));
    const stored = receiver().trace(root.traceId)?.trace;
    expect(stored).toMatchObject({ public: false, userId: 'u-1' });
    expect(stored?.release).toBeUndefined();
  });

  it('keeps them when the child carries them too (what the exporter sends)', async () => {
    const { root, spans } = rootAndUpdatingChild();
    spans[0]!.attributes = { ...spans[0]!.attributes, 'langfuse.trace.public': true, 'langfuse.release': 'r-root' };
    await exportOtlp(receiver(), toOtlpProtobuf({ spans }));
    expect(receiver().trace(root.traceId)?.trace).toMatchObject({ public: true, release: 'r-root', userId: 'u-1' });
  });
});

describe('invalid raw attributes over OTLP', () => {
  const receiver = useReceiver({ mode: 'v3' });

  it.each([
    ['a prompt name without version', { 'langfuse.observation.prompt.name': 'p' }],
    ['a prompt version as text', { 'langfuse.observation.prompt.name': 'p', 'langfuse.observation.prompt.version': '3' }],
    ['a fractional prompt version', { 'langfuse.observation.prompt.name': 'p', 'langfuse.observation.prompt.version': 1.5 }],
    ['a numeric completion start time', { 'langfuse.observation.completion_start_time': 1_700_000_000_000 }],
  ])('drop the observation on a v3 server (%s), as its schema does', async (_name, attributes) => {
    const span = simpleSpan({ attributes: { 'langfuse.observation.type': 'generation', ...attributes } });
    const kept = simpleSpan({ traceId: span.traceId, parentSpanId: span.spanId });
    await exportOtlp(receiver(), toOtlpProtobuf({ spans: [span, kept] }));
    expect(receiver().trace(span.traceId)?.observations.map((o) => o.id)).toEqual([kept.spanId]);
  });
});
