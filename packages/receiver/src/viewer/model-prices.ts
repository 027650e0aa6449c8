/**
 * A user-supplied model price table: the receiver never knows prices itself. Each entry names a model exactly
 * (`model`, case-insensitive) or by a regular expression (`match`; Langfuse's `(?i)` prefix is accepted), and gives a
 * price per unit for usage keys: `input`, `output`, `total`, or any other key of `usageDetails`
 * (`input_cached_tokens`, ...). The first entry that matches an observation's model is used.
 */
export interface ModelPrice {
  model?: string;
  match?: string;
  prices: Record<string, number>;
}

interface CompiledPrice {
  test(model: string): boolean;
  prices: Record<string, number>;
}

const MAX_PATTERN_LENGTH = 500;
/** Model names come from the events: a longer one is tested against no pattern, so a user's regex never runs on megabytes. */
export const MAX_MATCHED_MODEL_LENGTH = 256;

/**
 * Reads a price table: `{ "models": [entry, ...] }` or a bare array. An entry is `{ model | match, prices: {...} }`,
 * or Langfuse's model definition shape `{ modelName, matchPattern, inputPrice, outputPrice, totalPrice }`.
 * Throws a RangeError naming the first bad entry.
 */
export function parseModelPrices(value: unknown): ModelPrice[] {
  const list = Array.isArray(value) ? value : isObject(value) && Array.isArray(value['models']) ? value['models'] : undefined;
  if (list === undefined) throw new RangeError('a price table is an array of entries or { "models": [...] }');
  return list.map((entry: unknown, index) => parseEntry(entry, `price table entry ${index}`));
}

function parseEntry(entry: unknown, where: string): ModelPrice {
  if (!isObject(entry)) throw new RangeError(`${where} must be an object`);
  const model = optionalString(entry['model'] ?? entry['modelName'], `${where}: model`);
  const match = optionalString(entry['match'] ?? entry['matchPattern'], `${where}: match`);
  if (model === undefined && match === undefined) throw new RangeError(`${where} needs "model" or "match"`);
  if (match !== undefined) compilePattern(match, where);
  const prices: Record<string, number> = {};
  const given = isObject(entry['prices']) ? entry['prices'] : {};
  const legacy: Record<string, unknown> = { input: entry['inputPrice'], output: entry['outputPrice'], total: entry['totalPrice'] };
  for (const [key, price] of [...Object.entries(legacy), ...Object.entries(given)]) {
    if (price === undefined || price === null) continue;
    if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) throw new RangeError(`${where}: the price of "${key}" must be a non-negative number`);
    prices[key] = price;
  }
  if (Object.keys(prices).length === 0) throw new RangeError(`${where} has no prices`);
  return { ...(model === undefined ? {} : { model }), ...(match === undefined ? {} : { match }), prices };
}

/** Looks up the price entry of a model name. */
export class PriceTable {
  private readonly entries: CompiledPrice[];

  constructor(prices: readonly ModelPrice[]) {
    this.entries = prices.map((entry, index) => {
      const where = `price table entry ${index}`;
      const pattern = entry.match === undefined ? undefined : compilePattern(entry.match, where);
      const exact = entry.model?.toLowerCase();
      const matches = (model: string): boolean => pattern !== undefined && model.length <= MAX_MATCHED_MODEL_LENGTH && pattern.test(model);
      return { test: (model) => (exact !== undefined && model.toLowerCase() === exact) || matches(model), prices: entry.prices };
    });
  }

  pricesFor(model: string | undefined): Record<string, number> | undefined {
    if (model === undefined || model === '') return undefined;
    return this.entries.find((entry) => entry.test(model))?.prices;
  }

  /**
   * The cost of one observation's usage: each priced usage key's units times its price, `total` their sum; when only
   * `total` is priced, total units times that price. Undefined when no usage key has a price.
   */
  costOf(model: string | undefined, usage: Record<string, unknown>): Record<string, number> | undefined {
    const prices = this.pricesFor(model);
    if (prices === undefined) return undefined;
    const cost: Record<string, number> = {};
    let sum = 0;
    for (const [key, price] of Object.entries(prices)) {
      const units = usage[key];
      if (key === 'total' || typeof units !== 'number' || !Number.isFinite(units)) continue;
      cost[key] = units * price;
      sum += units * price;
    }
    if (Object.keys(cost).length > 0) return { ...cost, total: sum };
    const total = usage['total'];
    if (prices['total'] !== undefined && typeof total === 'number' && Number.isFinite(total)) return { total: total * prices['total'] };
    return undefined;
  }
}

function compilePattern(source: string, where: string): RegExp {
  if (source.length > MAX_PATTERN_LENGTH) throw new RangeError(`${where}: match is longer than ${MAX_PATTERN_LENGTH} characters`);
  const caseless = source.startsWith('(?i)');
  try {
    return new RegExp(caseless ? source.slice(4) : source, caseless ? 'i' : '');
  } catch (error) {
    throw new RangeError(`${where}: match is not a valid regular expression: ${(error as Error).message}`);
  }
}

function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw new RangeError(`${what} must be a non-empty string`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
