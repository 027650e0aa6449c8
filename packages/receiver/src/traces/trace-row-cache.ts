import type { AssembledTrace } from './trace-assembly.js';
import { traceRow, type TraceRow } from './trace-row.js';

/**
 * The list rows of every trace, each assembled once and again only after an event of its trace arrives, so paging
 * through thousands of traces does not re-assemble them all on every request.
 */
export class TraceRowCache {
  private readonly rows = new Map<string, TraceRow | undefined>();

  constructor(
    private readonly traceIds: () => readonly string[],
    private readonly assemble: (traceId: string) => AssembledTrace | undefined,
  ) {}

  invalidate(traceId: string): void {
    this.rows.delete(traceId);
  }

  clear(): void {
    this.rows.clear();
  }

  /** One trace's row; undefined when it has no trace-create or observation (yet). */
  row(traceId: string): TraceRow | undefined {
    if (!this.rows.has(traceId)) {
      const trace = this.assemble(traceId);
      this.rows.set(traceId, trace === undefined ? undefined : traceRow(trace));
    }
    return this.rows.get(traceId);
  }

  /** Every trace's row, in order of first arrival. */
  all(): TraceRow[] {
    const rows: TraceRow[] = [];
    for (const traceId of this.traceIds()) {
      const row = this.row(traceId);
      if (row) rows.push(row);
    }
    return rows;
  }
}
