import { propagation, type Context } from '@opentelemetry/api';

/** The context with only the allowed baggage entries (unchanged when all are allowed). */
export function allowedBaggageOnly(context: Context, allowed: ReadonlySet<string>): Context {
  const baggage = propagation.getBaggage(context);
  if (baggage === undefined) return context;
  const entries = baggage.getAllEntries();
  const kept = entries.filter(([key]) => allowed.has(key));
  if (kept.length === entries.length) return context;
  return kept.length === 0
    ? propagation.deleteBaggage(context)
    : propagation.setBaggage(context, propagation.createBaggage(Object.fromEntries(kept)));
}

/** After extraction: extracted entries are kept only when allowed; the base context's own baggage stays. */
export function restrictExtractedBaggage(base: Context, extracted: Context, allowed: ReadonlySet<string>): Context {
  const before = propagation.getBaggage(base);
  const after = propagation.getBaggage(extracted);
  if (after === before || after === undefined) return extracted;
  const kept = after.getAllEntries().filter(([key]) => allowed.has(key));
  const merged = Object.fromEntries([...(before?.getAllEntries() ?? []), ...kept]);
  if (Object.keys(merged).length === 0) return propagation.deleteBaggage(extracted);
  return propagation.setBaggage(extracted, propagation.createBaggage(merged));
}
