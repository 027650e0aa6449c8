import { describe, expect, it } from 'vitest';
import { assembleTrace, renderTrace, type AssembledTrace } from '../src/index.js';
import { displayWidth } from '../src/traces/text-width.js';
import { formatDuration, parseTimeMs } from '../src/traces/trace-time.js';
import { at, sampleTraceEvents, stored } from './trace-events.js';

const ANSI = /\u001b\[[0-9;]*m/;
const ANSI_ALL = /\u001b\[[0-9;]*m/g;

function sample(): AssembledTrace {
  return assembleTrace(sampleTraceEvents('trace-sample'), 'trace-sample') as AssembledTrace;
}

function traceOf(events: ReturnType<typeof stored>[], traceId = 't'): AssembledTrace {
  const trace = assembleTrace(events, traceId);
  if (!trace) throw new Error('no trace');
  return trace;
}

describe('renderTrace', () => {
  it('renders the sample trace as a plain waterfall at 80 columns', () => {
    expect(renderTrace(sample()).split('\n')).toEqual([
      'Trace answer-question · 1.23s · 5 observations',
      'id trace-sample · user user-42 · session session-7 · tags alpha, demo',
      'span       answer-question                          1.23s |████████████████████|',
      'span         retrieve-documents                     300ms |██████              |',
      'span           vector-search                        280ms |█████               |',
      '                 ERROR: connection refused',
      'generation   llm-call                               880ms |     ███████████████|',
      '               demo-model-1 · tokens 12 in / 5 out / 17 total',
      'event        answer-ready                                 |                   ◆|',
      'scores quality=0.9',
    ]);
  });

  it('puts generation details and the level after the name when they fit', () => {
    const lines = renderTrace(sample(), { width: 120 }).split('\n');
    expect(lines).toContain(
      'generation   llm-call  demo-model-1 · tokens 12 in / 5 out / 17 total             880ms |       ███████████████████████|',
    );
    expect(lines.find((line) => line.includes('vector-search'))).toContain('vector-search  ERROR: connection refused');
    expect(lines).toHaveLength(8);
  });

  it.each([80, 60, 40])('fits every line in %i columns, cutting long names with an ellipsis', (width) => {
    const long = 'a-very-long-observation-name-that-goes-on-and-on-and-on-and-on-and-on';
    const events = [
      stored('trace-create', { id: 't', name: `trace ${long}`, userId: `user-${long}`, tags: [long, 'b'] }),
      stored('span-create', { id: 'r', traceId: 't', name: long, startTime: at(0), endTime: at(100) }),
      stored('generation-create', {
        id: 'g',
        traceId: 't',
        parentObservationId: 'r',
        name: long,
        model: `model-${long}`,
        startTime: at(10),
        endTime: at(90),
        usageDetails: { input: 123456, output: 654321 },
        level: 'WARNING',
        statusMessage: `status ${long}`,
      }),
      stored('span-create', { id: 'd1', traceId: 't', parentObservationId: 'g', name: long, startTime: at(20), endTime: at(30) }),
      stored('span-create', { id: 'd2', traceId: 't', parentObservationId: 'd1', name: long, startTime: at(21), endTime: at(29) }),
      stored('score-create', { id: 's', traceId: 't', name: long, value: 1 }),
    ];
    const lines = renderTrace(traceOf(events), { width }).split('\n');
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(width);
    const nameLines = lines.filter((line) => line.includes('a-very'));
    expect(nameLines.length).toBeGreaterThan(5);
    expect(nameLines.filter((line) => line.includes('…')).length).toBeGreaterThan(4);
    // The score's value survives the cut of its name.
    expect(lines.at(-1)).toMatch(/^scores a-very.*=1$/);
    // Bars stay aligned: every observation line ends with the bar's right border in the last column used.
    const barLines = lines.filter((line) => line.endsWith('|'));
    expect(barLines).toHaveLength(4);
    expect(new Set(barLines.map((line) => displayWidth(line))).size).toBe(1);
  });

  it('counts wide characters as two columns', () => {
    const name = '検索'.repeat(40);
    const lines = renderTrace(
      traceOf([stored('trace-create', { id: 't', name }), stored('span-create', { id: 'o', traceId: 't', name, startTime: at(0), endTime: at(1) })]),
      { width: 60 },
    ).split('\n');
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(60);
    expect(lines[0]).toMatch(/^Trace 検索.*… · 1ms · 1 observation$/);
  });

  it('uses ANSI colours only when asked', () => {
    const plain = renderTrace(sample(), { width: 80 });
    const colored = renderTrace(sample(), { width: 80, color: true });
    expect(plain).not.toMatch(ANSI);
    expect(colored).toMatch(ANSI);
    expect(colored).toContain('\u001b[31m'); // the ERROR observation
    expect(colored.replace(ANSI_ALL, '')).toBe(plain);
  });

  it('strips control characters from client text, so a name cannot inject escapes or lines', () => {
    const output = renderTrace(
      traceOf([stored('span-create', { id: 'o', traceId: 't', name: 'bad\u001b[31mname\nsecond line', startTime: at(0), endTime: at(1) })]),
    );
    expect(output).not.toContain('\u001b');
    expect(output.split('\n')).toHaveLength(3);
    expect(output).toContain('bad [31mname second line');
  });

  it('marks an event with a single marker and an open observation with a light bar to the end', () => {
    const lines = renderTrace(
      traceOf([
        stored('span-create', { id: 'root', traceId: 't', name: 'root', startTime: at(0) }),
        stored('span-create', { id: 'done', traceId: 't', parentObservationId: 'root', name: 'done', startTime: at(0), endTime: at(500) }),
        stored('event-create', { id: 'ev', traceId: 't', parentObservationId: 'root', name: 'ping', startTime: at(1000) }),
      ]),
    ).split('\n');
    expect(lines.slice(2)).toEqual([
      'span  root                                           open |░░░░░░░░░░░░░░░░░░░░|',
      'span    done                                        500ms |██████████          |',
      'event   ping                                              |                   ◆|',
    ]);
  });

  it('shows a trace without observations, the unnamed, and an update note', () => {
    const output = renderTrace(traceOf([stored('trace-create', { id: 't', timestamp: at(0) })]), { note: 'updated' });
    expect(output.split('\n')).toEqual(['Trace (unnamed) · 0ms · 0 observations · updated', 'id t', '(no observations)']);
  });

  it('keeps the nesting and the token counts at 40 columns: short type labels, model and counts below the name', () => {
    expect(renderTrace(sample(), { width: 40 }).split('\n')).toEqual([
      'Trace answer-q… · 1.23s · 5 observations',
      'id trace-sample · user user-42',
      'session session-7 · tags alpha, demo',
      'span  answer-questi…  1.23s |██████████|',
      'span    retrieve-do…  300ms |███       |',
      'span      vector-se…  280ms |███       |',
      '            ERROR: connection refused',
      'gen     llm-call      880ms |  ████████|',
      '          demo-model-1',
      '          tokens 12 in / 5 out',
      '          17 total',
      'event   answer-ready        |         ◆|',
      'scores quality=0.9',
    ]);
  });

  /** A chain of `depth + 1` observations, each the child of the one before; the second is a generation. */
  function chain(depth: number, model: string): AssembledTrace {
    const events = [stored('trace-create', { id: 't', name: 'deep' })];
    for (let level = 0; level <= depth; level++) {
      const body = { id: `o${level}`, traceId: 't', name: `#${level}-level-name`, startTime: at(level), endTime: at(100 - level) };
      const parent = level === 0 ? {} : { parentObservationId: `o${level - 1}` };
      events.push(
        level === 1
          ? stored('generation-create', { ...body, ...parent, model, usageDetails: { input: 123456, output: 654321, total: 777777 } })
          : stored('span-create', { ...body, ...parent }),
      );
    }
    return traceOf(events);
  }

  it.each([40, 41, 45, 50, 60, 80])('shows every level of nesting at %i columns, and a depth beyond the room as a number', (width) => {
    const depth = 30;
    const lines = renderTrace(chain(depth, `provider/${'very-long-model-name-'.repeat(4)}v2`), { width }).split('\n');
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(width);
    const observationLines = lines.filter((line) => line.endsWith('|'));
    expect(observationLines).toHaveLength(depth + 1);
    // Where each name starts (names begin with '#'), or for a level deeper than the room, the depth shown instead.
    let previousStart = -1;
    let numbered = 0;
    observationLines.forEach((line, level) => {
      const shown = /^\S+ +(\d+)›/.exec(line);
      if (shown) {
        expect(Number(shown[1])).toBe(level);
        numbered++;
        return;
      }
      expect(numbered, `level ${level} after a numbered one`).toBe(0);
      const start = line.indexOf('#');
      expect(start, line).toBeGreaterThan(previousStart);
      previousStart = start;
    });
    expect(numbered).toBeLessThan(depth); // most levels are shown by indentation
    // The token counts are never pushed off by the long model name.
    const details = lines.join('\n');
    for (const count of ['123456 in', '654321 out', '777777 total']) expect(details).toContain(count);
    expect(details).toContain('provider/very-long');
  });

  it('indents by one column per level when two would not fit, and by two when they do', () => {
    const starts = (width: number, depth: number): number[] =>
      renderTrace(chain(depth, 'm'), { width })
        .split('\n')
        .filter((line) => line.endsWith('|'))
        .map((line) => line.indexOf('#'));
    expect(starts(40, 3)).toEqual([5, 7, 9, 11]); // 'span' and 'gen' in 4 columns, a space, then the tree
    expect(starts(40, 6)).toEqual([5, 6, 7, 8, 9, 10, 11]);
  });

  it('refuses a width below 40', () => {
    expect(() => renderTrace(sample(), { width: 39 })).toThrow(/width must be an integer >= 40/);
  });
});

describe('trace times', () => {
  it.each([
    [0, '0ms'],
    [0.44, '0.4ms'],
    [2, '2ms'],
    [9.96, '10ms'],
    [25.4, '25ms'],
    [999.4, '999ms'],
    [999.6, '1.00s'],
    [1234, '1.23s'],
    [12_345, '12.3s'],
    [65_000, '1m05s'],
    [7_380_000, '2h03m'],
    [-1, '?'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('parses zoned times with their fraction and offset', () => {
    expect(parseTimeMs('2024-05-01T10:00:00.000250Z')).toBeCloseTo(Date.UTC(2024, 4, 1, 10) + 0.25, 6);
    expect(parseTimeMs('2024-05-01T12:00:00+02')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseTimeMs('2024-05-01T12:30:00+0230')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseTimeMs('2024-05-01T10:00:00')).toBeUndefined();
    expect(parseTimeMs(42)).toBeUndefined();
  });
});
