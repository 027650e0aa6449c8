import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureDiag, type CapturedDiag } from '@otel-langfuse/test-support';
import { ComponentLogger } from '../src/diagnostics/component-logger.js';
import { DropSummary } from '../src/losses/drop-summary.js';

let logs: CapturedDiag;
beforeEach(() => {
  logs = captureDiag();
});
afterEach(() => logs.restore());

/** A summary on a fake clock whose timers the test fires. */
function summary(intervalMs = 60_000) {
  const clock = { now: 1_000_000 };
  const timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  const s = new DropSummary(
    {
      intervalMs,
      now: () => clock.now,
      schedule: (fn, ms) => {
        const timer = { at: clock.now + ms, fn, cancelled: false };
        timers.push(timer);
        return { cancel: () => (timer.cancelled = true) };
      },
    },
    new ComponentLogger('test'),
    () => '7 records in the dead-letter file so far',
  );
  const advance = (ms: number) => {
    clock.now += ms;
    for (const timer of timers.splice(0)) {
      if (timer.cancelled) continue;
      if (timer.at <= clock.now) timer.fn();
      else timers.push(timer);
    }
  };
  return { s, advance, timers };
}

const summaryLines = () => logs.lines.filter((l) => l.message.includes('not delivered in the last'));

describe('DropSummary', () => {
  it('tells a burst in one line, then at most one line per interval', () => {
    const { s, advance } = summary();
    for (let i = 0; i < 1_000; i++) s.drop('circuit-open', 2);
    s.drop('network-ECONNREFUSED', 5);
    s.reject('event-400', 1);
    advance(999);
    expect(summaryLines()).toHaveLength(0);
    advance(1);
    expect(summaryLines()).toHaveLength(1);
    expect(summaryLines()[0]?.message).toMatch(
      /not delivered in the last 1 s: 2005 dropped \(2000 circuit-open, 5 network-ECONNREFUSED\); 1 rejected by the server \(1 event-400\); 7 records in the dead-letter file so far; totals since start in stats\(\)\.eventsDropped and stats\(\)\.eventsRejected$/,
    );
    expect(summaryLines()[0]?.level).toBe('warn');
    s.drop('circuit-open', 1);
    advance(30_000);
    expect(summaryLines()).toHaveLength(1);
    advance(30_000);
    expect(summaryLines()).toHaveLength(2);
    expect(summaryLines()[1]?.message).toMatch(/: 1 dropped \(1 circuit-open\); 7 records in the dead-letter file so far; totals since start in stats\(\)\.eventsDropped$/);
  });

  it('says nothing when nothing was dropped, and schedules no timer', () => {
    const { s, advance, timers } = summary();
    advance(600_000);
    s.flush();
    expect(timers).toHaveLength(0);
    expect(summaryLines()).toHaveLength(0);
  });

  it('flush (at shutdown) writes what is pending at once and cancels the timer', () => {
    const { s, advance } = summary();
    s.drop('deadline', 3);
    s.flush();
    expect(summaryLines()).toHaveLength(1);
    advance(120_000);
    expect(summaryLines()).toHaveLength(1);
  });
});
