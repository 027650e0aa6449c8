import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeOtlpProtobuf } from '../src/otlp/otlp-decode.js';
import { decodeOtlpJson } from '../src/otlp/otlp-json-decode.js';
import { OtlpDecodeError, type OtlpTraceRequest } from '../src/otlp/otlp-model.js';
import { toHrTime } from '../src/otlp/otlp-span.js';

// Bytes written field by field from opentelemetry-proto's field numbers and wire types, without the receiver's
// schema, so a wrong number or type in otlp-schema.ts fails here. Wire types: 0 varint, 1 64-bit, 2 length, 5 32-bit.
type Build = (writer: protobuf.Writer) => void;
const tag = (field: number, wireType: number): number => (field << 3) | wireType;

function message(build: Build): Uint8Array {
  const writer = protobuf.Writer.create();
  build(writer);
  return writer.finish();
}
const sub = (writer: protobuf.Writer, field: number, bytes: Uint8Array): protobuf.Writer => writer.uint32(tag(field, 2)).bytes(bytes);
const keyValue = (key: string, value: Uint8Array): Uint8Array => message((w) => sub(w.uint32(tag(1, 2)).string(key), 2, value));
const anyValue = (build: Build): Uint8Array => message(build);

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';
const PARENT_ID = 'eee19b7ec3c1b173';
const LINKED_SPAN = 'eee19b7ec3c1b172';

function wireRequest(): Uint8Array {
  const attributes = [
    keyValue('s', anyValue((w) => w.uint32(tag(1, 2)).string('text'))),
    keyValue('b', anyValue((w) => w.uint32(tag(2, 0)).bool(true))),
    keyValue('i', anyValue((w) => w.uint32(tag(3, 0)).int64('-9007199254740993'))),
    keyValue('d', anyValue((w) => w.uint32(tag(4, 1)).double(1.5))),
    keyValue('arr', anyValue((w) => sub(w, 5, message((a) => sub(sub(a, 1, anyValue((v) => v.uint32(tag(1, 2)).string('x'))), 1, anyValue(() => {})))))),
    keyValue('kv', anyValue((w) => sub(w, 6, message((l) => sub(l, 1, keyValue('k', anyValue((v) => v.uint32(tag(2, 0)).bool(false)))))))),
    keyValue('raw', anyValue((w) => w.uint32(tag(7, 2)).bytes(Uint8Array.from([1, 2])))),
  ];
  const event = message((w) => {
    w.uint32(tag(1, 1)).fixed64('1714564800000000001');
    w.uint32(tag(2, 2)).string('ev');
    sub(w, 3, keyValue('n', anyValue((v) => v.uint32(tag(3, 0)).int64(7))));
    w.uint32(tag(4, 0)).uint32(1);
  });
  const link = message((w) => {
    w.uint32(tag(1, 2)).bytes(Buffer.from(TRACE_ID, 'hex'));
    w.uint32(tag(2, 2)).bytes(Buffer.from(LINKED_SPAN, 'hex'));
    w.uint32(tag(3, 2)).string('k=v');
    sub(w, 4, keyValue('l', anyValue((v) => v.uint32(tag(1, 2)).string('link'))));
    w.uint32(tag(5, 0)).uint32(2);
    w.uint32(tag(6, 5)).fixed32(0x301);
  });
  const status = message((w) => w.uint32(tag(2, 2)).string('bad').uint32(tag(3, 0)).int32(2));
  const span = message((w) => {
    w.uint32(tag(1, 2)).bytes(Buffer.from(TRACE_ID, 'hex'));
    w.uint32(tag(2, 2)).bytes(Buffer.from(SPAN_ID, 'hex'));
    w.uint32(tag(3, 2)).string('vendor=1');
    w.uint32(tag(4, 2)).bytes(Buffer.from(PARENT_ID, 'hex'));
    w.uint32(tag(5, 2)).string('op');
    w.uint32(tag(6, 0)).int32(3);
    w.uint32(tag(7, 1)).fixed64('1714564800123456789');
    w.uint32(tag(8, 1)).fixed64('18446744073709551615');
    for (const attribute of attributes) sub(w, 9, attribute);
    w.uint32(tag(10, 0)).uint32(4);
    sub(w, 11, event);
    w.uint32(tag(12, 0)).uint32(5);
    sub(w, 13, link);
    w.uint32(tag(14, 0)).uint32(6);
    sub(w, 15, status);
    w.uint32(tag(16, 5)).fixed32(0x101);
  });
  const scope = message((w) => {
    w.uint32(tag(1, 2)).string('lib').uint32(tag(2, 2)).string('1.2');
    sub(w, 3, keyValue('sa', anyValue((v) => v.uint32(tag(1, 2)).string('x'))));
    w.uint32(tag(4, 0)).uint32(8);
  });
  const scopeSpans = message((w) => sub(sub(w, 1, scope), 2, span).uint32(tag(3, 2)).string('https://scope'));
  const resource = message((w) => sub(w, 1, keyValue('service.name', anyValue((v) => v.uint32(tag(1, 2)).string('svc')))).uint32(tag(2, 0)).uint32(9));
  const resourceSpans = message((w) => sub(sub(w, 1, resource), 2, scopeSpans).uint32(tag(3, 2)).string('https://resource'));
  return message((w) => sub(w, 1, resourceSpans));
}

const EXPECTED: OtlpTraceRequest = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { kind: 'string', value: 'svc' } }], droppedAttributesCount: 9 },
      schemaUrl: 'https://resource',
      scopeSpans: [
        {
          scope: { name: 'lib', version: '1.2', attributes: [{ key: 'sa', value: { kind: 'string', value: 'x' } }], droppedAttributesCount: 8 },
          schemaUrl: 'https://scope',
          spans: [
            {
              traceId: TRACE_ID,
              spanId: SPAN_ID,
              traceState: 'vendor=1',
              parentSpanId: PARENT_ID,
              flags: 0x101,
              name: 'op',
              kind: 3,
              startTimeUnixNano: 1714564800123456789n,
              endTimeUnixNano: 18446744073709551615n,
              attributes: [
                { key: 's', value: { kind: 'string', value: 'text' } },
                { key: 'b', value: { kind: 'bool', value: true } },
                { key: 'i', value: { kind: 'int', value: -9007199254740993n } },
                { key: 'd', value: { kind: 'double', value: 1.5 } },
                { key: 'arr', value: { kind: 'array', values: [{ kind: 'string', value: 'x' }, { kind: 'empty' }] } },
                { key: 'kv', value: { kind: 'kvlist', values: [{ key: 'k', value: { kind: 'bool', value: false } }] } },
                { key: 'raw', value: { kind: 'bytes', value: Buffer.from([1, 2]) } },
              ],
              droppedAttributesCount: 4,
              events: [
                {
                  timeUnixNano: 1714564800000000001n,
                  name: 'ev',
                  attributes: [{ key: 'n', value: { kind: 'int', value: 7n } }],
                  droppedAttributesCount: 1,
                },
              ],
              droppedEventsCount: 5,
              links: [
                {
                  traceId: TRACE_ID,
                  spanId: LINKED_SPAN,
                  traceState: 'k=v',
                  attributes: [{ key: 'l', value: { kind: 'string', value: 'link' } }],
                  droppedAttributesCount: 2,
                  flags: 0x301,
                },
              ],
              droppedLinksCount: 6,
              status: { code: 2, message: 'bad' },
            },
          ],
        },
      ],
    },
  ],
};

function normalized(request: OtlpTraceRequest): unknown {
  // Compare bytes by content, whatever Uint8Array subclass the decoder returns.
  return JSON.parse(
    JSON.stringify(request, (_key, value: unknown) =>
      typeof value === 'bigint' ? `${value}n` : value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value,
    ),
  );
}

describe('OTLP decoding', () => {
  it('decodes protobuf written from the proto field numbers into the neutral model, every field', () => {
    expect(normalized(decodeOtlpProtobuf(wireRequest()))).toEqual(normalized(EXPECTED));
  });

  it('decodes the same request from OTLP/JSON (hex ids in any case, 64-bit values as strings or numbers, enum names)', () => {
    const json = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }], droppedAttributesCount: 9 },
          schemaUrl: 'https://resource',
          scopeSpans: [
            {
              scope: { name: 'lib', version: '1.2', attributes: [{ key: 'sa', value: { stringValue: 'x' } }], droppedAttributesCount: 8 },
              schemaUrl: 'https://scope',
              spans: [
                {
                  traceId: TRACE_ID.toUpperCase(),
                  spanId: SPAN_ID,
                  traceState: 'vendor=1',
                  parentSpanId: PARENT_ID,
                  flags: 257,
                  name: 'op',
                  kind: 'SPAN_KIND_CLIENT',
                  startTimeUnixNano: '1714564800123456789',
                  endTimeUnixNano: '18446744073709551615',
                  attributes: [
                    { key: 's', value: { stringValue: 'text' } },
                    { key: 'b', value: { boolValue: true } },
                    { key: 'i', value: { intValue: '-9007199254740993' } },
                    { key: 'd', value: { doubleValue: 1.5 } },
                    { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'x' }, {}] } } },
                    { key: 'kv', value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: false } }] } } },
                    { key: 'raw', value: { bytesValue: 'AQI=' } },
                  ],
                  droppedAttributesCount: 4,
                  events: [
                    { timeUnixNano: '1714564800000000001', name: 'ev', attributes: [{ key: 'n', value: { intValue: 7 } }], droppedAttributesCount: 1 },
                  ],
                  droppedEventsCount: 5,
                  links: [
                    {
                      traceId: TRACE_ID,
                      spanId: LINKED_SPAN,
                      traceState: 'k=v',
                      attributes: [{ key: 'l', value: { stringValue: 'link' } }],
                      droppedAttributesCount: 2,
                      flags: 0x301,
                    },
                  ],
                  droppedLinksCount: 6,
                  status: { code: 2, message: 'bad' },
                  someFutureField: { ignored: true },
                },
              ],
            },
          ],
        },
      ],
    };
    expect(normalized(decodeOtlpJson(Buffer.from(JSON.stringify(json))))).toEqual(normalized(EXPECTED));
  });

  it('reads null and missing fields as their defaults', () => {
    const decoded = decodeOtlpJson(Buffer.from('{"resourceSpans":[{"resource":null,"scopeSpans":[{"spans":[{"name":null,"status":null}]}]}]}'));
    const span = decoded.resourceSpans[0]?.scopeSpans[0]?.spans[0];
    expect(span).toMatchObject({ name: '', traceId: '', parentSpanId: '', startTimeUnixNano: 0n, status: { code: 0, message: '' } });
    expect(decoded.resourceSpans[0]?.resource).toBeUndefined();
  });

  it.each([
    ['a boolean that is a string', { boolValue: 'true' }, /boolValue must be a boolean/],
    ['a fractional int', { intValue: 1.5 }, /intValue must be an integer/],
    ['an int beyond int64', { intValue: '9223372036854775808' }, /int64/],
    ['bytes that are not base64', { bytesValue: '%%%' }, /bytesValue must be a base64 string/],
    ['a double that is a word', { doubleValue: 'many' }, /doubleValue must be a number/],
  ])('refuses %s, naming the field', (_name, value, expected) => {
    const body = { resourceSpans: [{ scopeSpans: [{ spans: [{ attributes: [{ key: 'k', value }] }] }] }] };
    expect(() => decodeOtlpJson(Buffer.from(JSON.stringify(body)))).toThrow(OtlpDecodeError);
    expect(() => decodeOtlpJson(Buffer.from(JSON.stringify(body)))).toThrow(expected);
  });

  it('accepts NaN and infinities as proto3 JSON spells them', () => {
    const body = { resourceSpans: [{ scopeSpans: [{ spans: [{ attributes: [{ key: 'k', value: { doubleValue: '-Infinity' } }] }] }] }] };
    const value = decodeOtlpJson(Buffer.from(JSON.stringify(body))).resourceSpans[0]?.scopeSpans[0]?.spans[0]?.attributes[0]?.value;
    expect(value).toEqual({ kind: 'double', value: -Infinity });
  });

  it('converts nanoseconds to an exact HrTime', () => {
    expect(toHrTime(1714564800123456789n)).toEqual([1714564800, 123456789]);
    expect(toHrTime(999_999_999n)).toEqual([0, 999999999]);
    expect(toHrTime(18446744073709551615n)).toEqual([18446744073, 709551615]);
  });
});
