import type { LangfuseScore } from '@otel-langfuse/exporter';

/** Where the facade's scores go: the exporter of the active setup, and its sampling decision. */
export interface ScoreSink {
  score(score: LangfuseScore): void;
  /** False when sampling dropped this trace: its scores are dropped too. */
  keepsTrace(traceId: string): boolean;
}
