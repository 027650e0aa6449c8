import { describe, expect, it } from 'vitest';
import { langfuse, type ProcessorMode } from '../src/index.js';
import { mergedTrace, observationNamed, spanRecorder, tick, treeOf, useTracingTestBed } from './helpers.js';

const { receiver, setup } = useTracingTestBed();

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe.each<ProcessorMode>(['batch', 'sync'])('errors in user code (%s)', (mode) => {
  it('a sync throw ends the observation with status ERROR, level ERROR, message and exception event, and is rethrown unchanged', async () => {
    const recorder = spanRecorder();
    const handle = setup({ mode, spanProcessors: [recorder.processor] });
    const failure = new TypeError('card declined');
    let traceId = '';
    const thrown = caught(() =>
      langfuse.trace({ name: 'pay' }, (t) => {
        traceId = t.id;
        t.span({ name: 'charge' }, () => {
          throw failure;
        });
      }),
    );
    expect(thrown).toBe(failure);
    await handle.forceFlush();

    const events = receiver().events();
    expect(treeOf(events, traceId)).toEqual(['span charge <- pay', 'span pay <- (root)']);
    for (const name of ['pay', 'charge']) {
      expect(observationNamed(events, name).body).toMatchObject({ level: 'ERROR', statusMessage: 'card declined' });
      const span = recorder.byName(name);
      expect(span.status).toEqual({ code: 2, message: 'card declined' });
      expect(span.events.map((e) => [e.name, e.attributes?.['exception.type'], e.attributes?.['exception.message']])).toEqual([
        ['exception', 'TypeError', 'card declined'],
      ]);
    }
    expect(mergedTrace(events, traceId)).toMatchObject({ name: 'pay' });
  });

  it('a rejection does the same and the caller gets the same error object', async () => {
    const handle = setup({ mode });
    const failure = new Error('upstream timeout');
    await expect(
      langfuse.trace({ name: 'async-pay' }, async (t) => {
        await t.generation({ name: 'llm', model: 'm' }, async () => {
          await tick();
          throw failure;
        });
      }),
    ).rejects.toBe(failure);
    await handle.forceFlush();
    expect(observationNamed(receiver().events(), 'llm').body).toMatchObject({ level: 'ERROR', statusMessage: 'upstream timeout' });
    expect(observationNamed(receiver().events(), 'async-pay').body).toMatchObject({ level: 'ERROR' });
  });

  it('an error handled inside leaves the outer observation clean', async () => {
    const handle = setup({ mode });
    const result = await langfuse.trace({ name: 'resilient' }, async (t) => {
      try {
        await t.span({ name: 'flaky' }, async () => Promise.reject(new Error('retry me')));
      } catch {
        return 'recovered';
      }
      return 'unreachable';
    });
    expect(result).toBe('recovered');
    await handle.forceFlush();
    expect(observationNamed(receiver().events(), 'flaky').body).toMatchObject({ level: 'ERROR', statusMessage: 'retry me' });
    expect(observationNamed(receiver().events(), 'resilient').body).toMatchObject({ level: 'DEFAULT' });
  });
});

describe('odd things thrown, odd arguments', () => {
  it('rethrows non-Error values and hostile errors unchanged, and still records them', async () => {
    const handle = setup({ mode: 'sync' });
    const hostile = new Proxy(new Error('x'), {
      get() {
        throw new Error('trap');
      },
      getPrototypeOf() {
        throw new Error('trap');
      },
    });
    const values: unknown[] = ['plain string', 42, null, undefined, { code: 'E_CUSTOM' }, hostile];
    for (const [index, value] of values.entries()) {
      const thrown = caught(() =>
        langfuse.trace({ name: `throws-${index}` }, () => {
          throw value;
        }),
      );
      expect(thrown).toBe(value);
    }
    await handle.forceFlush();
    for (const index of values.keys()) {
      expect(observationNamed(receiver().events(), `throws-${index}`).body['level']).toBe('ERROR');
    }
    expect(observationNamed(receiver().events(), 'throws-0').body['statusMessage']).toBe('plain string');
    expect(observationNamed(receiver().events(), 'throws-4').body['statusMessage']).toBe('{"code":"E_CUSTOM"}');
  });

  it('bad options never throw into user code; the callback still runs and its value comes back', async () => {
    const handle = setup({ mode: 'sync' });
    const hostileOptions = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(langfuse.trace(hostileOptions as never, () => 'ran')).toBe('ran');
    expect(langfuse.trace(null as never, () => 'null options')).toBe('null options');
    expect(langfuse.span({ name: 7, input: Symbol('s'), metadata: 'not an object' } as never, () => 'odd fields')).toBe('odd fields');
    expect(langfuse.trace({ name: 'no callback' }, undefined as never)).toBeUndefined();
    expect(() => langfuse.updateTrace(hostileOptions as never)).not.toThrow();
    expect(() => langfuse.event(undefined as never)).not.toThrow();
    await handle.forceFlush();
    expect(receiver().events().length).toBeGreaterThan(0);
  });

  it('errors that cannot even be turned into a string (null prototype) never escape into user code', async () => {
    const handle = setup({ mode: 'sync' });
    const unprintable: unknown = Object.create(null);
    const hostile = new Proxy(
      {},
      {
        get() {
          throw unprintable;
        },
        ownKeys() {
          throw unprintable;
        },
      },
    );
    expect(() => langfuse.score(hostile as never)).not.toThrow();
    langfuse.trace({ name: 'scored' }, (t) => {
      expect(() => t.score(hostile as never)).not.toThrow();
      expect(() => t.rootObservation.score(hostile as never)).not.toThrow();
    });
    const thrown = caught(() =>
      langfuse.span({ name: 'throws-unprintable' }, () => {
        throw unprintable;
      }),
    );
    expect(thrown).toBe(unprintable);
    await handle.forceFlush();
    expect(observationNamed(receiver().events(), 'throws-unprintable').body['level']).toBe('ERROR');
  });
});
