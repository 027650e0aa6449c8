import { hash } from 'node:crypto';
import type { TraceBody } from '../wire/ingestion-event.js';
import { safeJsonStringify } from './safe-json.js';

interface TraceFacts {
  /** Hash of the last trace-create body delivered for the trace. */
  lastSent?: string;
  /** Trace fields some span set explicitly, which a root's fallback value must not overwrite. */
  explicitFields: Set<string>;
  /** Some span marked the trace public: the server stores a trace-create without `public` as not public. */
  isPublic?: true;
}

/**
 * What the exporter knows of recent traces, for a bounded number of them (least recently used forgotten first):
 * the last trace-create body delivered, so a later identical one can be skipped (e.g. the same userId repeated on
 * every child span), and the fields set explicitly. Stores hashes and field names, never the values.
 */
export class TraceCreateMemory {
  private readonly traces = new Map<string, TraceFacts>();

  constructor(private readonly maxTraces = 10_000) {}

  static fingerprint(body: TraceBody): string {
    return TraceCreateMemory.fingerprintJson(safeJsonStringify(body), body.timestamp);
  }

  /**
   * The same fingerprint from a body's JSON text, when it is at hand already. The body's `timestamp` is left out:
   * the server keeps a trace's first timestamp, so a body differing only there changes nothing.
   */
  static fingerprintJson(bodyJson: string, timestamp?: string): string {
    return hash('sha1', timestamp === undefined ? bodyJson : withoutMember(bodyJson, `"timestamp":${JSON.stringify(timestamp)}`), 'base64');
  }

  rememberPublic(traceId: string): void {
    this.touch(traceId).isPublic = true;
  }

  isPublic(traceId: string): boolean {
    return this.traces.get(traceId)?.isPublic === true;
  }

  /** True when `fingerprint` is what was last delivered for the trace: sending it again would change nothing. */
  isUnchanged(traceId: string, fingerprint: string): boolean {
    return this.traces.get(traceId)?.lastSent === fingerprint;
  }

  rememberSent(traceId: string, fingerprint: string): void {
    this.touch(traceId).lastSent = fingerprint;
  }

  rememberExplicitFields(traceId: string, fields: readonly string[]): void {
    const facts = this.touch(traceId);
    for (const field of fields) facts.explicitFields.add(field);
  }

  explicitFields(traceId: string): ReadonlySet<string> | undefined {
    return this.traces.get(traceId)?.explicitFields;
  }

  get size(): number {
    return this.traces.size;
  }

  private touch(traceId: string): TraceFacts {
    const facts = this.traces.get(traceId) ?? { explicitFields: new Set<string>() };
    this.traces.delete(traceId); // re-insert: Map order is the LRU order
    this.traces.set(traceId, facts);
    if (this.traces.size > this.maxTraces) {
      const oldest = this.traces.keys().next().value;
      if (oldest !== undefined) this.traces.delete(oldest);
    }
    return facts;
  }
}

/** The object's JSON text without one `"key":value` member (and the comma that separated it). */
function withoutMember(json: string, member: string): string {
  const at = json.indexOf(member);
  if (at < 0) return json;
  const end = at + member.length;
  if (json[at - 1] === ',') return json.slice(0, at - 1) + json.slice(end);
  return json[end] === ',' ? json.slice(0, at) + json.slice(end + 1) : json.slice(0, at) + json.slice(end);
}
