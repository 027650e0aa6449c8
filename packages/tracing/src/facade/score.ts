import type { LangfuseScore } from '@otel-langfuse/exporter';
import { log } from '../logger.js';
import { facadeConfig } from './facade-config.js';

/** Score fields when the target (trace, observation) comes from a handle. */
export type ScoreOptions = Omit<LangfuseScore, 'traceId' | 'observationId' | 'sessionId'>;

/** Where the facade's scores go: the exporter of the active setup, and its sampling decision. */
export interface ScoreSink {
  score(score: LangfuseScore): void;
  /** False when sampling dropped this trace: its scores are dropped too. */
  keepsTrace(traceId: string): boolean;
}

/** Sends a score through the active setup; a no-op (never a throw) when tracing is off or sampling dropped the trace. */
export function sendScore(score: LangfuseScore): void {
  try {
    const sink = facadeConfig().scores;
    if (sink === undefined) {
      log.once('debug', 'score-without-setup', 'a score was ignored: scores need setupLangfuse() (tracing is off)');
      return;
    }
    const traceId = typeof score?.traceId === 'string' ? score.traceId : undefined;
    if (traceId !== undefined && !sink.keepsTrace(traceId)) return;
    sink.score(score);
  } catch (error) {
    log.once('warn', 'score-failed', `a score could not be sent: ${String(error)}`);
  }
}
