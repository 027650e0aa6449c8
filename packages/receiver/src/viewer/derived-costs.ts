import type { AssembledTrace } from '../traces/trace-assembly.js';
import type { PriceTable } from './model-prices.js';

export interface PricedTrace {
  trace: AssembledTrace;
  /** Observations whose cost the receiver computed from usage and the price table (their events carried none). */
  derivedCostIds: string[];
}

/**
 * The trace with a cost filled in for each observation that carries usage but no cost, and whose model the table
 * prices. Costs the events carried are never replaced; without a matching entry nothing is added. The given trace is
 * not changed.
 */
export function withDerivedCosts(trace: AssembledTrace, table: PriceTable | undefined): PricedTrace {
  if (table === undefined) return { trace, derivedCostIds: [] };
  const derivedCostIds: string[] = [];
  const observations = trace.observations.map((observation) => {
    if (Object.keys(observation.costDetails).length > 0 || Object.keys(observation.usageDetails).length === 0) return observation;
    const costDetails = table.costOf(observation.model, observation.usageDetails);
    if (costDetails === undefined) return observation;
    derivedCostIds.push(observation.id);
    return { ...observation, costDetails };
  });
  return derivedCostIds.length === 0 ? { trace, derivedCostIds } : { trace: { ...trace, observations }, derivedCostIds };
}
