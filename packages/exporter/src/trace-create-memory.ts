/**
 * Remembers, for a bounded number of recent traces, the trace-create bodies already delivered, so a later batch
 * can skip one that would change nothing (e.g. the same userId repeated on every child span).
 */
export class TraceCreateMemory {
  private readonly sent = new Map<string, string[]>();

  constructor(
    private readonly maxTraces = 10_000,
    private readonly maxBodiesPerTrace = 4,
  ) {}

  has(traceId: string, fingerprint: string): boolean {
    return this.sent.get(traceId)?.includes(fingerprint) ?? false;
  }

  remember(traceId: string, fingerprint: string): void {
    const bodies = this.sent.get(traceId) ?? [];
    this.sent.delete(traceId); // re-insert: Map order is the LRU order
    if (!bodies.includes(fingerprint)) {
      bodies.push(fingerprint);
      if (bodies.length > this.maxBodiesPerTrace) bodies.shift();
    }
    this.sent.set(traceId, bodies);
    if (this.sent.size > this.maxTraces) {
      const oldest = this.sent.keys().next().value;
      if (oldest !== undefined) this.sent.delete(oldest);
    }
  }
}
