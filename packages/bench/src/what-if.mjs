// `node src/what-if.mjs`: measures, on 512 spans our facade made (one batch), what the changes suggested in
// docs/performance.md would save. It imitates the exporter's steps with public entry points; it changes nothing.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { createSpanMapper, mergeTraceCreates } from '@otel-langfuse/exporter/mapping';
import { langfuse, serializeValue } from '@otel-langfuse/tracing';
import { oursOps } from './competitors.mjs';
import { PAYLOADS, POOL_SIZE } from './workload.mjs';

const spans = [];
const provider = new NodeTracerProvider({
  spanProcessors: [{ onStart() {}, onEnd: (s) => spans.push(s), forceFlush: async () => {}, shutdown: async () => {} }],
});
provider.register();
const { op } = oursOps(langfuse);
for (let i = 0; spans.length < 512; i++) await op(PAYLOADS[i % POOL_SIZE]);
spans.length = 512;

/** Median µs of `fn` over `runs` after warm-up. */
function time(fn, runs = 30) {
  for (let i = 0; i < 5; i++) fn();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  return samples.sort((a, b) => a - b)[runs >> 1];
}

const mapper = createSpanMapper({});
const events = () => mergeTraceCreates(spans.flatMap((s) => mapper.map(s)));
const fingerprint = (body) => createHash('sha1').update(JSON.stringify(body)).digest('base64');
const rows = [];
/** `units`: what the time is divided by for the last column (512 spans unless said otherwise). */
const row = (what, us, note = '', units = 512, unit = 'span') => rows.push([what, `${(us / 1000).toFixed(2)} ms`, `${(us / units).toFixed(1)} µs/${unit}`, note]);

// --- legacy path ---------------------------------------------------------------------------------------------
const mapped = events();
row('legacy: map + merge 512 spans (parses JSON attributes)', time(() => events()));
row(
  'legacy: serialize as today (trace body stringified for the fingerprint, then the event again)',
  time(() => {
    for (const e of mapped) {
      if (e.type === 'trace-create') fingerprint(e.body);
      const json = JSON.stringify(e);
      Buffer.byteLength(json);
    }
  }),
);
row(
  'legacy: serialize once (fingerprint hashes the body JSON that goes into the event)',
  time(() => {
    for (const e of mapped) {
      const body = JSON.stringify(e.body);
      if (e.type === 'trace-create') createHash('sha1').update(body).digest('base64');
      const json = `{"id":${JSON.stringify(e.id)},"type":"${e.type}","timestamp":"${e.timestamp}","body":${body}}`;
      Buffer.byteLength(json);
    }
  }),
);
// What parsing input/output/metadata and writing them again costs, versus splicing the attribute's JSON text.
// (Plain-text outputs are written as they are; only the JSON ones, here the inputs, are parsed.)
const ioStrings = spans.flatMap((s) => Object.entries(s.attributes).filter(([k, v]) => /\.(input|output)$/.test(k) && typeof v === 'string' && /^[[{]/.test(v)).map(([, v]) => v));
row(`legacy: JSON.parse + JSON.stringify of the ${ioStrings.length} JSON input/output attributes`, time(() => ioStrings.forEach((t) => JSON.stringify(JSON.parse(t)))), '(once per span; the trace-create repeats the root\'s)');
row('legacy: splicing the same attribute texts (concatenation)', time(() => ioStrings.reduce((n, t) => n + `,"input":${t}`.length, 0)));
const body = `{"batch":[${mapped.map((e) => JSON.stringify(e)).join(',')}]}`;
row(`legacy: Buffer.byteLength + Buffer.from of the ${(body.length / 1e6).toFixed(2)} MB body`, time(() => { Buffer.byteLength(body); Buffer.from(body); }));

// --- OTLP path -----------------------------------------------------------------------------------------------
const proto = ProtobufTraceSerializer.serializeRequest(spans);
const json = JsonTraceSerializer.serializeRequest(spans);
row('otlp: OTel ProtobufTraceSerializer (today\'s default)', time(() => ProtobufTraceSerializer.serializeRequest(spans), 15), `${proto.length} B`);
row('otlp: OTel JsonTraceSerializer', time(() => JsonTraceSerializer.serializeRequest(spans), 15), `${json.length} B`);
for (const level of [6, 1]) {
  row(`otlp: gzip level ${level} of the protobuf body`, time(() => gzipSync(proto, { level }), 15), `${gzipSync(proto, { level }).length} B`);
  row(`otlp: gzip level ${level} of the JSON body`, time(() => gzipSync(json, { level }), 15), `${gzipSync(json, { level }).length} B`);
}
// The protobuf writer copies strings char by char (twice: size estimate, then write); Buffer.write is native.
const strings = spans.flatMap((s) => Object.values(s.attributes).filter((v) => typeof v === 'string'));
const target = Buffer.allocUnsafe(strings.reduce((n, s) => n + s.length * 3, 0));
row(
  `otlp: native Buffer.byteLength + buf.write of the ${strings.length} attribute strings (what a native string writer costs)`,
  time(() => { let pos = 0; for (const s of strings) { Buffer.byteLength(s); pos += target.write(s, pos); } }),
);

// --- facade --------------------------------------------------------------------------------------------------
const values = PAYLOADS.slice(0, 64).map((p) => ({ messages: p.messages }));
row('facade: serializeValue() (JsonWriter) of 64 ~1 KB inputs', time(() => values.forEach((v) => serializeValue(v))), '', 64, 'input');
row('facade: JSON.stringify of the same 64 inputs', time(() => values.forEach((v) => JSON.stringify(v))), '', 64, 'input');

console.log('| step (one batch: 512 spans = 256 traces) | median | per unit | note |\n|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
