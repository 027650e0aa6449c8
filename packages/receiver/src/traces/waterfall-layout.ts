import { padStart } from './text-width.js';
import type { ObservationNode, ObservationType } from './trace-assembly.js';

/** Columns of the duration, right-aligned before the bar. */
export const DURATION_COLUMNS = 6;
/** A name keeps at least this many columns whatever the depth, so deep nesting never hides it. */
const MIN_NAME_COLUMNS = 6;
/** Below this many columns for indentation and name, type labels are shortened. */
const MIN_TREE_COLUMNS = 16;

const SHORT_TYPES: Readonly<Record<ObservationType, string>> = {
  span: 'span',
  generation: 'gen',
  event: 'event',
  agent: 'agent',
  tool: 'tool',
  chain: 'chain',
  retriever: 'retr',
  evaluator: 'eval',
  embedding: 'embed',
  guardrail: 'guard',
};

/** How one trace's observation lines share the width: type column, tree (indent + name), duration and bar. */
export interface WaterfallLayout {
  barWidth: number;
  /** Columns left of the duration: type column, a space, indentation and name. */
  leftWidth: number;
  typeColumns: number;
  typeLabel(type: ObservationType): string;
  /** The indentation before a name at this depth; always as wide as, or wider than, the one of a shallower depth. */
  indent(depth: number): string;
}

/**
 * Lays out a trace's observation lines in `width` columns so the nesting stays visible at any width the renderer
 * accepts: type labels are shortened when the full ones leave too little room, each level indents by 2 columns,
 * or 1 when the deepest level would not fit otherwise, and levels deeper than the room for indentation show their
 * depth as a number (`12›`) in the widest indentation instead of lining up with shallower ones.
 */
export function waterfallLayout(forest: readonly ObservationNode[], width: number): WaterfallLayout {
  const barWidth = Math.min(60, Math.max(10, Math.floor(width / 4)));
  const leftWidth = width - (1 + DURATION_COLUMNS + 2 + barWidth + 1);
  const types = new Set<ObservationType>();
  let maxDepth = 0;
  const visit = (node: ObservationNode): void => {
    types.add(node.observation.type);
    maxDepth = Math.max(maxDepth, node.depth);
    node.children.forEach(visit);
  };
  forest.forEach(visit);

  const fullColumns = Math.max(0, ...[...types].map((type) => type.length));
  const short = leftWidth - fullColumns - 1 < MIN_TREE_COLUMNS;
  const typeLabel = (type: ObservationType): string => (short ? SHORT_TYPES[type] : type);
  const typeColumns = Math.max(0, ...[...types].map((type) => typeLabel(type).length));
  const indentRoom = Math.max(0, leftWidth - typeColumns - 1 - MIN_NAME_COLUMNS);
  const step = maxDepth * 2 <= indentRoom ? 2 : 1;
  const indent = (depth: number): string =>
    depth * step <= indentRoom ? ' '.repeat(depth * step) : padStart(`${depth}›`, indentRoom);
  return { barWidth, leftWidth, typeColumns, typeLabel, indent };
}
