import { observationTree, type AssembledTrace, type ObservationNode } from './trace-assembly.js';

/** Tokens and cost of one observation or a group of them; cost is undefined unless an event carried one. */
export interface UsageTotals {
  tokens: number;
  cost?: number;
}

export interface ObservationRollup {
  /** The observation's own usage (`usageDetails.total`) and cost (`costDetails.total`). */
  own: UsageTotals;
  /** The observation and everything below it. */
  subtree: UsageTotals;
}

export interface TraceRollups {
  /** Per observation id. */
  observations: Record<string, ObservationRollup>;
  /** Every observation of the trace, each counted once. */
  total: UsageTotals;
}

/** Sums tokens and cost up the observation tree, so a root shows what its generations used. No cost is invented. */
export function rollUp(trace: Pick<AssembledTrace, 'observations'>): TraceRollups {
  // Ids come from the events: `__proto__` or `constructor` must be plain keys.
  const observations: Record<string, ObservationRollup> = Object.create(null) as Record<string, ObservationRollup>;
  const visit = (node: ObservationNode): UsageTotals => {
    const own = ownTotals(node.observation);
    const subtree = node.children.map(visit).reduce(add, { ...own });
    observations[node.observation.id] = { own, subtree };
    return subtree;
  };
  const total = observationTree(trace).map(visit).reduce(add, { tokens: 0 });
  return { observations, total };
}

function ownTotals(observation: AssembledTrace['observations'][number]): UsageTotals {
  const tokens = observation.usageDetails['total'];
  const cost = observation.costDetails['total'];
  const totals: UsageTotals = { tokens: typeof tokens === 'number' && Number.isFinite(tokens) ? tokens : 0 };
  if (typeof cost === 'number' && Number.isFinite(cost)) totals.cost = cost;
  return totals;
}

function add(sum: UsageTotals, next: UsageTotals): UsageTotals {
  const result: UsageTotals = { tokens: sum.tokens + next.tokens };
  if (sum.cost !== undefined || next.cost !== undefined) result.cost = (sum.cost ?? 0) + (next.cost ?? 0);
  return result;
}
