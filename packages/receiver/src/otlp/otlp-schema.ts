import protobuf from 'protobufjs';

// The OTLP trace messages the receiver decodes, as a protobufjs JSON descriptor written from opentelemetry-proto
// (common/v1/common.proto, resource/v1/resource.proto, trace/v1/trace.proto, collector/trace/v1/trace_service.proto).
// Field names are the lowerCamelCase forms protobufjs uses; only the field numbers and types matter on the wire.
// Fields added to the protos later (e.g. Resource.entity_refs) are skipped as unknown fields, as proto3 requires.

const repeated = (type: string, id: number) => ({ rule: 'repeated', type, id });
const field = (type: string, id: number) => ({ type, id });

const COMMON_V1 = {
  AnyValue: {
    oneofs: {
      value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] },
    },
    fields: {
      stringValue: field('string', 1),
      boolValue: field('bool', 2),
      intValue: field('int64', 3),
      doubleValue: field('double', 4),
      arrayValue: field('ArrayValue', 5),
      kvlistValue: field('KeyValueList', 6),
      bytesValue: field('bytes', 7),
    },
  },
  ArrayValue: { fields: { values: repeated('AnyValue', 1) } },
  KeyValueList: { fields: { values: repeated('KeyValue', 1) } },
  KeyValue: { fields: { key: field('string', 1), value: field('AnyValue', 2) } },
  InstrumentationScope: {
    fields: {
      name: field('string', 1),
      version: field('string', 2),
      attributes: repeated('KeyValue', 3),
      droppedAttributesCount: field('uint32', 4),
    },
  },
};

const RESOURCE_V1 = {
  Resource: {
    fields: {
      attributes: repeated('opentelemetry.proto.common.v1.KeyValue', 1),
      droppedAttributesCount: field('uint32', 2),
    },
  },
};

const KEY_VALUE = 'opentelemetry.proto.common.v1.KeyValue';

const TRACE_V1 = {
  ResourceSpans: {
    fields: {
      resource: field('opentelemetry.proto.resource.v1.Resource', 1),
      scopeSpans: repeated('ScopeSpans', 2),
      schemaUrl: field('string', 3),
    },
  },
  ScopeSpans: {
    fields: {
      scope: field('opentelemetry.proto.common.v1.InstrumentationScope', 1),
      spans: repeated('Span', 2),
      schemaUrl: field('string', 3),
    },
  },
  Span: {
    fields: {
      traceId: field('bytes', 1),
      spanId: field('bytes', 2),
      traceState: field('string', 3),
      parentSpanId: field('bytes', 4),
      flags: field('fixed32', 16),
      name: field('string', 5),
      kind: field('SpanKind', 6),
      startTimeUnixNano: field('fixed64', 7),
      endTimeUnixNano: field('fixed64', 8),
      attributes: repeated(KEY_VALUE, 9),
      droppedAttributesCount: field('uint32', 10),
      events: repeated('Event', 11),
      droppedEventsCount: field('uint32', 12),
      links: repeated('Link', 13),
      droppedLinksCount: field('uint32', 14),
      status: field('Status', 15),
    },
    nested: {
      SpanKind: {
        values: {
          SPAN_KIND_UNSPECIFIED: 0,
          SPAN_KIND_INTERNAL: 1,
          SPAN_KIND_SERVER: 2,
          SPAN_KIND_CLIENT: 3,
          SPAN_KIND_PRODUCER: 4,
          SPAN_KIND_CONSUMER: 5,
        },
      },
      Event: {
        fields: {
          timeUnixNano: field('fixed64', 1),
          name: field('string', 2),
          attributes: repeated(KEY_VALUE, 3),
          droppedAttributesCount: field('uint32', 4),
        },
      },
      Link: {
        fields: {
          traceId: field('bytes', 1),
          spanId: field('bytes', 2),
          traceState: field('string', 3),
          attributes: repeated(KEY_VALUE, 4),
          droppedAttributesCount: field('uint32', 5),
          flags: field('fixed32', 6),
        },
      },
    },
  },
  Status: {
    fields: { message: field('string', 2), code: field('StatusCode', 3) },
    nested: { StatusCode: { values: { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 } } },
  },
};

const COLLECTOR_TRACE_V1 = {
  ExportTraceServiceRequest: {
    fields: { resourceSpans: repeated('opentelemetry.proto.trace.v1.ResourceSpans', 1) },
  },
  ExportTraceServiceResponse: {
    fields: { partialSuccess: field('ExportTracePartialSuccess', 1) },
  },
  ExportTracePartialSuccess: {
    fields: { rejectedSpans: field('int64', 1), errorMessage: field('string', 2) },
  },
};

const v1 = (nested: object) => ({ nested: { v1: { nested } } });

/** The descriptor, exported so tests can check it against the protos' field numbers. */
export const OTLP_TRACE_DESCRIPTOR = {
  nested: {
    opentelemetry: {
      nested: {
        proto: {
          nested: {
            common: v1(COMMON_V1),
            resource: v1(RESOURCE_V1),
            trace: v1(TRACE_V1),
            collector: { nested: { trace: v1(COLLECTOR_TRACE_V1) } },
          },
        },
      },
    },
  },
};

export interface OtlpMessageTypes {
  request: protobuf.Type;
  response: protobuf.Type;
}

let types: OtlpMessageTypes | undefined;

/** The ExportTraceServiceRequest/-Response types, built once (protobufjs generates their codecs on first use). */
export function otlpMessageTypes(): OtlpMessageTypes {
  if (types === undefined) {
    const root = protobuf.Root.fromJSON(OTLP_TRACE_DESCRIPTOR as protobuf.INamespace);
    types = {
      request: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
      response: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    };
  }
  return types;
}
