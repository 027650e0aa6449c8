import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseModelPrices, type ModelPrice } from '../src/index.js';
import { PriceTable } from '../src/viewer/model-prices.js';
import { CliUsageError, parseCliArgs } from '../src/cli/cli-args.js';
import type { TraceView } from '../src/http/read-api.js';
import type { TraceRow, TraceRowPage } from '../src/traces/trace-row.js';
import { generationCreate, spanCreate, traceCreate } from './event-builders.js';
import { ingest } from './ingestion-client.js';
import { useReceiver } from './use-receiver.js';

// The user-supplied model price table: costs derived only where events carry usage and no cost, marked as derived.

const TABLE: ModelPrice[] = [
  { model: 'gpt-4o-mini', prices: { input: 0.15e-6, output: 0.6e-6 } },
  { match: '(?i)^claude-3', prices: { input: 3e-6, output: 15e-6, input_cached_tokens: 0.3e-6 } },
  { model: 'embedder', prices: { total: 0.02e-6 } },
];

describe('parseModelPrices', () => {
  it('reads { models: [...] } and a bare array, and Langfuse model definitions (modelName, matchPattern, inputPrice, ...)', () => {
    expect(parseModelPrices({ models: TABLE })).toEqual(TABLE);
    expect(parseModelPrices([{ modelName: 'm', matchPattern: '(?i)^m$', inputPrice: 1, outputPrice: 2, totalPrice: null }])).toEqual([
      { model: 'm', match: '(?i)^m$', prices: { input: 1, output: 2 } },
    ]);
  });

  it.each([
    [{}, /array of entries/],
    [[{ prices: { input: 1 } }], /entry 0 needs "model" or "match"/],
    [[{ model: 'm' }], /entry 0 has no prices/],
    [[{ model: 'm', prices: { input: -1 } }], /price of "input" must be a non-negative number/],
    [[{ model: 'm', prices: { input: '1' } }], /price of "input"/],
    [[{ model: 'ok', prices: { total: 1 } }, { match: '(', prices: { total: 1 } }], /entry 1: match is not a valid regular expression/],
    [[{ model: '', prices: { total: 1 } }], /model must be a non-empty string/],
  ])('rejects %j naming the problem', (value, message) => {
    expect(() => parseModelPrices(value)).toThrow(message);
  });
});

describe('PriceTable.costOf', () => {
  const table = new PriceTable(TABLE);

  it('prices each usage key the entry prices, total = their sum; exact names ignore case; patterns as given', () => {
    const mini = table.costOf('GPT-4o-mini', { input: 1000, output: 100, total: 1100 });
    expect(Object.keys(mini ?? {}).sort()).toEqual(['input', 'output', 'total']);
    expect(mini?.input).toBeCloseTo(0.15e-3, 12);
    expect(mini?.output).toBeCloseTo(0.06e-3, 12);
    expect(mini?.total).toBeCloseTo(0.21e-3, 12);
    const claude = table.costOf('Claude-3-5-sonnet', { input: 100, input_cached_tokens: 1000, output: 10 });
    expect(claude?.input_cached_tokens).toBeCloseTo(0.3e-3, 12);
    expect(claude?.total).toBeCloseTo(0.3e-3 + 0.3e-3 + 0.15e-3, 12);
  });

  it('uses a total price only when no other key is priced; no entry, no model or no priced usage: undefined', () => {
    expect(table.costOf('embedder', { total: 5000 })).toEqual({ total: 0.0001 });
    expect(table.costOf('gpt-4o', { input: 10 })).toBeUndefined();
    expect(table.costOf(undefined, { input: 10 })).toBeUndefined();
    expect(table.costOf('gpt-4o-mini', { total: 10 })).toBeUndefined();
  });
});

describe('derived costs in the viewer API', () => {
  const receiver = useReceiver({ modelPrices: TABLE });
  const plain = useReceiver();

  const events = [
    traceCreate({ id: 'priced' }),
    spanCreate({ id: 'root', traceId: 'priced' }),
    generationCreate({ id: 'derived', traceId: 'priced', parentObservationId: 'root', model: 'gpt-4o-mini', usageDetails: { input: 1000, output: 100 }, costDetails: undefined }),
    generationCreate({ id: 'carried', traceId: 'priced', parentObservationId: 'root', model: 'gpt-4o-mini', usageDetails: { input: 1000, output: 100 }, costDetails: { total: 0.5 } }),
    generationCreate({ id: 'unknown-model', traceId: 'priced', parentObservationId: 'root', model: 'gpt-4o', usageDetails: { input: 1000 }, costDetails: undefined }),
  ];

  it('trace-views: a cost for an observation with usage and no cost, listed in derivedCostIds; carried costs kept; rolled up', async () => {
    await ingest(receiver(), events);
    const view = (await (await fetch(`${receiver().url}/api/receiver/trace-views/priced`)).json()) as TraceView;
    expect(view.derivedCostIds).toEqual(['derived']);
    const byId = Object.fromEntries(view.trace.observations.map((o) => [o.id, o.costDetails]));
    expect(byId['derived']?.['total']).toBeCloseTo(0.21e-3, 12);
    expect(byId['carried']).toEqual({ total: 0.5 });
    expect(byId['unknown-model']).toEqual({});
    expect(view.rollups.observations['root']?.subtree.cost).toBeCloseTo(0.5 + 0.21e-3, 12);
    // The stored trace itself is unchanged: the derived cost exists only in the viewer's answer.
    expect(receiver().trace('priced')?.observations.find((o) => o.id === 'derived')?.costDetails).toEqual({});
  });

  it('trace-rows: the total includes the derived cost and the row is marked costDerived', async () => {
    await ingest(receiver(), [...events, traceCreate({ id: 'no-usage' })]);
    const page = (await (await fetch(`${receiver().url}/api/receiver/trace-rows`)).json()) as TraceRowPage;
    const rows = Object.fromEntries(page.rows.map((row) => [row.id, row as TraceRow & { costDerived?: boolean }]));
    expect(rows['priced']?.costDerived).toBe(true);
    expect(rows['priced']?.totalCost).toBeCloseTo(0.5 + 0.21e-3, 12);
    expect(rows['no-usage']?.costDerived).toBeUndefined();
  });

  it('without a price table no cost is derived', async () => {
    await ingest(plain(), events);
    const view = (await (await fetch(`${plain().url}/api/receiver/trace-views/priced`)).json()) as TraceView;
    expect(view.derivedCostIds).toEqual([]);
    expect(view.rollups.observations['root']?.subtree.cost).toBe(0.5);
    const page = (await (await fetch(`${plain().url}/api/receiver/trace-rows`)).json()) as TraceRowPage;
    expect(page.rows[0]).not.toHaveProperty('costDerived');
  });
});

describe('model names tested against a pattern', () => {
  const receiver = useReceiver({ modelPrices: [{ match: '^m+$', prices: { input: 1e-6 } }, { model: 'n'.repeat(300), prices: { input: 2e-6 } }] });

  it('are at most 256 characters: a longer name matches no pattern (a regex never runs on a huge name), an exact name still matches', async () => {
    await ingest(receiver(), [
      traceCreate({ id: 'long-models' }),
      generationCreate({ id: 'at-limit', traceId: 'long-models', model: 'm'.repeat(256), usageDetails: { input: 10 }, costDetails: undefined }),
      generationCreate({ id: 'over-limit', traceId: 'long-models', model: 'm'.repeat(257), usageDetails: { input: 10 }, costDetails: undefined }),
      generationCreate({ id: 'huge', traceId: 'long-models', model: 'm'.repeat(100_000), usageDetails: { input: 10 }, costDetails: undefined }),
      generationCreate({ id: 'exact', traceId: 'long-models', model: 'N'.repeat(300), usageDetails: { input: 10 }, costDetails: undefined }),
    ]);
    const view = (await (await fetch(`${receiver().url}/api/receiver/trace-views/long-models`)).json()) as TraceView;
    expect([...view.derivedCostIds].sort()).toEqual(['at-limit', 'exact']);
  });
});

describe('--prices', () => {
  const dir = mkdtempSync(join(tmpdir(), 'receiver-prices-'));

  it('reads the table from a JSON file into modelPrices', () => {
    const file = join(dir, 'prices.json');
    writeFileSync(file, JSON.stringify({ models: TABLE }));
    const command = parseCliArgs(['--prices', file]);
    expect(command.kind === 'serve' && command.options.modelPrices).toEqual(TABLE);
  });

  it('names the file and the problem for a missing file, bad JSON or a bad entry', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '[{ "model": "m" }]');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ nope');
    expect(() => parseCliArgs(['--prices', join(dir, 'missing.json')])).toThrow(/--prices: cannot read .*missing\.json/);
    expect(() => parseCliArgs(['--prices', broken])).toThrow(CliUsageError);
    expect(() => parseCliArgs(['--prices', bad])).toThrow(/bad\.json: price table entry 0 has no prices/);
  });

  it('the options are checked when the receiver starts', async () => {
    const { startReceiver } = await import('../src/index.js');
    await expect(startReceiver({ modelPrices: [{ model: 'm', prices: {} }] })).rejects.toThrow(/has no prices/);
  });
});
