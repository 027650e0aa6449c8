/**
 * The cap on memory held for delivery: bytes of serialized events and request bodies that exports have prepared and
 * not yet finished with, across every export in flight. An export takes bytes as it prepares them and gives them all
 * back when it ends; what does not fit is dropped (reason `memory-cap`), so a slow or dead server can never make the
 * exporter hold more than the cap.
 */
export class MemoryBudget {
  private usedBytes = 0;
  private peakBytes = 0;

  constructor(readonly maxBytes: number) {}

  get used(): number {
    return this.usedBytes;
  }

  /** The most ever held at once. */
  get peak(): number {
    return this.peakBytes;
  }

  /** True when nothing more fits: an export can be refused before any work is done for it. */
  get full(): boolean {
    return this.usedBytes >= this.maxBytes;
  }

  /** A claim for one export; give it back with `release()` when the export ends. */
  open(): Reservation {
    return new Reservation(this);
  }

  /** @internal */
  tryTake(bytes: number): boolean {
    if (bytes < 0 || this.usedBytes + bytes > this.maxBytes) return false;
    this.usedBytes += bytes;
    if (this.usedBytes > this.peakBytes) this.peakBytes = this.usedBytes;
    return true;
  }

  /** @internal */
  giveBack(bytes: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - bytes);
  }
}

/** What one export holds of the budget. `release()` is idempotent. */
export class Reservation {
  private heldBytes = 0;
  private released = false;

  constructor(private readonly budget: MemoryBudget) {}

  get held(): number {
    return this.heldBytes;
  }

  /** Takes `bytes` more; false (nothing taken) when they do not fit or the reservation was released. */
  take(bytes: number): boolean {
    if (this.released || !this.budget.tryTake(bytes)) return false;
    this.heldBytes += bytes;
    return true;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.budget.giveBack(this.heldBytes);
    this.heldBytes = 0;
  }
}
