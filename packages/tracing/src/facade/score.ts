import type { LangfuseScore } from '@otel-langfuse/exporter';
import { describeCaught, log } from '../logger.js';
import { facadeConfig, type FacadeConfig } from './facade-config.js';

/** Score fields when the target (trace, observation) comes from a handle. */
export type ScoreOptions = Omit<LangfuseScore, 'traceId' | 'observationId' | 'sessionId'>;

/**
 * Sends a score through the setup of `config` (default: the active one); a no-op (never a throw) when tracing
 * is off or sampling dropped the trace.
 */
export function sendScore(score: LangfuseScore, config?: FacadeConfig): void {
  sendTargetedScore(score, undefined, config);
}

/** `sendScore` of a handle's options for its target; the options are read inside the no-throw guard. */
export function sendTargetedScore(options: unknown, target: { traceId: string; observationId?: string } | undefined, config?: FacadeConfig): void {
  try {
    const score = (target === undefined ? options : { ...(options as object), ...target }) as LangfuseScore;
    const sink = (config ?? facadeConfig()).scores;
    if (sink === undefined) {
      log.once('debug', 'score-without-setup', 'a score was ignored: scores need setupLangfuse() (tracing is off)');
      return;
    }
    const traceId = typeof score?.traceId === 'string' ? score.traceId : undefined;
    if (traceId !== undefined && !sink.keepsTrace(traceId)) return;
    sink.score(score);
  } catch (error) {
    log.once('warn', 'score-failed', `a score could not be sent: ${describeCaught(error)}`);
  }
}
