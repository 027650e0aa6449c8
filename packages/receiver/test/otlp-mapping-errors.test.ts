import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventOutcome } from '../src/index.js';
import { otlpMessageTypes } from '../src/otlp/otlp-schema.js';
import { exportOtlp } from './otlp-client.js';
import { simpleSpan, toOtlpJsonText, toOtlpProtobuf, type PayloadSpec } from './otlp-payloads.js';
import { useReceiver } from './use-receiver.js';

// The mapping never fails on a decodable span, so its failures are simulated: a span named 'unmappable' is dropped
// (as the mapper does when it throws), and one named 'invalid' comes back with an event the server would refuse.
vi.mock('@otel-langfuse/exporter/mapping', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@otel-langfuse/exporter/mapping')>();
  return {
    ...actual,
    createSpanMapper: (...args: Parameters<typeof actual.createSpanMapper>) => {
      const [options, onNote] = args;
      const real = actual.createSpanMapper(options, onNote);
      return {
        map: (span: Parameters<typeof real.map>[0]) => {
          if (span.name === 'unmappable') {
            onNote?.({ code: 'span-mapping-failed', message: 'a span could not be mapped (TypeError); it was dropped' });
            return [];
          }
          const events = real.map(span);
          if (span.name !== 'invalid') return events;
          return events.map((event) => (event.type === 'span-create' ? { ...event, body: { ...event.body, level: 'INFO' as never } } : event));
        },
      };
    },
  };
});

describe('a mapping failure on the OTLP path', () => {
  let outcomes: EventOutcome[];
  beforeEach(() => {
    outcomes = [];
  });
  const receiver = useReceiver({ onEvent: (_event, outcome) => outcomes.push(outcome) });

  function payload(): PayloadSpec {
    const root = simpleSpan({ name: 'fine' });
    return {
      spans: [
        root,
        simpleSpan({ name: 'unmappable', parentSpanId: root.spanId }),
        simpleSpan({ name: 'invalid', parentSpanId: root.spanId }),
      ],
    };
  }

  it('is counted as a receiver bug, reported in partialSuccess (JSON), and the other spans are stored', async () => {
    const spans = payload().spans;
    const answer = await exportOtlp(receiver(), toOtlpJsonText({ spans }), { format: 'json' });
    const body = JSON.parse(Buffer.from(answer).toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedSpans).toBe('2');
    expect(body.partialSuccess.errorMessage).toMatch(/could not be mapped/);
    expect(body.partialSuccess.errorMessage).toMatch(/Receiver bug: .*body\.level/);
    expect(receiver().stats()).toMatchObject({ otlpMappingErrors: 2, eventsRejected: 0, otlpSpans: 3 });
    expect(receiver().events().map((event) => event.body.id)).toContain(spans[0]?.spanId);
    expect(receiver().events().map((event) => event.body.id)).not.toContain(spans[2]?.spanId);
    expect(outcomes.filter((outcome) => !outcome.accepted)).toEqual([
      expect.objectContaining({ accepted: false, status: 500, message: expect.stringMatching(/^Receiver bug/) }),
    ]);
  });

  it('answers protobuf with an encoded partialSuccess', async () => {
    const answer = await exportOtlp(receiver(), toOtlpProtobuf(payload()));
    const { response } = otlpMessageTypes();
    const decoded = response.toObject(response.decode(answer), { longs: String }) as {
      partialSuccess?: { rejectedSpans: string; errorMessage: string };
    };
    expect(decoded.partialSuccess?.rejectedSpans).toBe('2');
    expect(decoded.partialSuccess?.errorMessage).toMatch(/could not be mapped/);
  });
});
