import type { OpenObservation } from './open-observation.js';
import { StreamOutput } from './stream-output.js';

/** Ends a stream's observation once, with the collected output, failed or not. */
export class StreamEnd {
  private done = false;
  private readonly output: StreamOutput | undefined;

  constructor(
    private readonly observation: OpenObservation,
    captureOutput: boolean,
  ) {
    this.output = captureOutput ? new StreamOutput() : undefined;
  }

  /** Looks at one iterator result: collects its value, or ends the observation when the stream is done. */
  step(result: unknown): void {
    if (this.done) return;
    let finished = true;
    let value: unknown;
    try {
      finished = (result as IteratorResult<unknown>).done === true;
      value = (result as IteratorResult<unknown>).value;
    } catch {
      // an unreadable result: treat the stream as finished
    }
    if (finished) this.finish();
    else this.output?.add(value);
  }

  finish(): void {
    if (this.done) return;
    this.done = true;
    const output = this.output?.value();
    this.observation.end(output === undefined ? undefined : { output });
  }

  fail(error: unknown): void {
    if (this.done) return;
    this.observation.fail(error);
    this.finish();
  }
}
