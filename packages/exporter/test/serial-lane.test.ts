import { describe, expect, it } from 'vitest';
import { SerialLane } from '../src/events/serial-lane.js';

const later = () => new Promise((resolve) => setImmediate(resolve));

describe('SerialLane', () => {
  it('runs tasks one at a time, in the order given, and a failure does not stop the next', async () => {
    const lane = new SerialLane();
    const log: string[] = [];
    const task = (name: string, fail = false) => async () => {
      log.push(`${name} start`);
      await later();
      log.push(`${name} end`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([lane.run(task('a')), lane.run(task('b', true)), lane.run(task('c'))]);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
