/** Tracks running promises so flush and shutdown can wait for them. */
export class InFlightTracker {
  private readonly running = new Set<Promise<unknown>>();

  get size(): number {
    return this.running.size;
  }

  track<T>(promise: Promise<T>): Promise<T> {
    this.running.add(promise);
    const forget = () => this.running.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /**
   * Resolves when everything running now has settled. Work started later is not waited for, so steady traffic
   * cannot keep a flush waiting forever. Never rejects.
   */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  /** Like `settled`, but gives up after `timeoutMs`; resolves to whether it all settled in time. */
  async settledWithin(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([this.settled().then(() => true as const), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
