import { describe, expect, it } from 'vitest';
import { loadContract } from '../../test-support/src/contract.js';

const contract = loadContract();

// Guards the cross-check itself: if it accepted everything, every contract assertion in the suite would be empty.
describe.skipIf(!contract)("the OpenAPI contract check (skipped when ../shared/contracts is absent)", () => {
  const valid = {
    id: 'abc-span-create',
    timestamp: '2026-01-01T00:00:00.000000Z',
    type: 'span-create',
    body: { id: 'abc', traceId: 't', name: 'n', startTime: '2026-01-01T00:00:00.000Z', level: 'DEFAULT' },
  };

  it('accepts a well-formed span-create', () => {
    expect(contract!.check(valid)).toEqual([]);
  });

  it('refuses an unknown level', () => {
    expect(contract!.check({ ...valid, body: { ...valid.body, level: 'LOUD' } })).not.toEqual([]);
  });

  it('refuses a non-integer promptVersion on a generation', () => {
    const event = { ...valid, type: 'generation-create', body: { ...valid.body, promptName: 'p', promptVersion: 1.5 } };
    expect(contract!.check(event)).not.toEqual([]);
  });

  it('checks extended observation types against the generation body', () => {
    expect(contract!.check({ ...valid, type: 'agent-create', body: { ...valid.body, model: 'm' } })).toEqual([]);
    expect(contract!.check({ ...valid, type: 'tool-create', body: { ...valid.body, costDetails: { total: 'x' } } })).not.toEqual([]);
  });

  it('refuses an envelope without a timestamp', () => {
    const { timestamp: _omit, ...rest } = valid;
    expect(contract!.check(rest)).not.toEqual([]);
  });
});
