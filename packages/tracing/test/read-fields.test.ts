import { describe, expect, it } from 'vitest';
import { readObservationFields, readStartFields, readTraceFields } from '../src/facade/read-fields.js';

describe('reading a user options object', () => {
  it('reads each field once', () => {
    let reads = 0;
    const fields = {
      get input() {
        reads++;
        return 'in';
      },
      model: 'gpt',
    };
    expect(readObservationFields(fields)).toMatchObject({ input: 'in', model: 'gpt', output: undefined });
    expect(reads).toBe(1);
  });

  it('reads inherited and non-enumerable properties too, as plain property reads do', () => {
    const base = { userId: 'u-1' };
    const fields = Object.defineProperty(Object.create(base) as object, 'sessionId', { value: 's-1', enumerable: false });
    expect(readTraceFields(fields)).toMatchObject({ userId: 'u-1', sessionId: 's-1' });
  });

  it('keeps the other fields when a getter throws', () => {
    const fields = {
      name: 'kept',
      get metadata(): never {
        throw new Error('getter');
      },
      userId: 'u-1',
    };
    expect(readTraceFields(fields)).toMatchObject({ name: 'kept', metadata: undefined, userId: 'u-1' });
    expect(readObservationFields(fields)).toMatchObject({ metadata: undefined });
  });

  it('survives a Proxy whose traps throw and a revoked Proxy', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    const { proxy, revoke } = Proxy.revocable({ name: 'x' }, {});
    revoke();
    for (const value of [hostile, proxy]) {
      expect(readTraceFields(value)).toMatchObject({ name: undefined, input: undefined });
      expect(readObservationFields(value)).toMatchObject({ input: undefined });
      expect(readStartFields(value)).toEqual({ name: undefined, startTime: undefined });
    }
  });

  it('has no fields for what is not an object, and reads a function as safeRead does', () => {
    expect(readTraceFields(null)).toMatchObject({ name: undefined, userId: undefined });
    expect(readStartFields('name')).toEqual({ name: undefined, startTime: undefined });
    function named(): void {}
    expect(readStartFields(named)).toEqual({ name: 'named', startTime: undefined });
  });
});
