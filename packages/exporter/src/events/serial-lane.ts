/**
 * Runs tasks one after another. Export preparation works in slices that yield to the event loop; concurrent exports
 * (a flush hands over every queued batch at once) would each run a slice in the same turn of the loop, blocking it
 * for all of them together. In one lane, a turn runs one slice.
 */
export class SerialLane {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
