/**
 * Lets up to `depth` deliveries run at once behind a span processor that sends one export at a time: an export
 * is acknowledged before its delivery ends while there is room for one more, so the processor hands over its next
 * batch and preparing it overlaps with the network and the server. The export that fills the last place is
 * acknowledged when an earlier delivery ends (or its own does, and its real result is reported instead): that
 * back-pressure keeps what cannot be sent yet in the processor's bounded queue. Depth 1 never acknowledges early:
 * every export completes when its delivery ends, as the SpanExporter contract says.
 */
export class ExportAcknowledgement {
  private running = 0;
  private readonly waiting = new Set<() => void>();

  constructor(private readonly depth: number) {}

  /** Calls `acknowledgeEarly` at most once, and only while `delivery` is still running. */
  admit(delivery: Promise<unknown>, acknowledgeEarly: () => void): void {
    if (this.depth <= 1) return;
    this.running++;
    let settled = false;
    const release = () => {
      this.waiting.delete(release);
      if (!settled) acknowledgeEarly();
    };
    const ended = () => {
      settled = true;
      this.waiting.delete(release);
      this.running--;
      const next = this.waiting.values().next();
      if (!next.done) next.value();
    };
    delivery.then(ended, ended);
    if (this.running < this.depth) release();
    else this.waiting.add(release);
  }
}
