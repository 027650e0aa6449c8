import { randomUUID } from 'node:crypto';
import type { ScoreCreateEvent, ScoreDataType } from '../wire/ingestion-event.js';

/** A score to attach to a trace, an observation (with its trace) or a session. */
export interface LangfuseScore {
  /** Idempotency key: the same id updates the same score. Default: a random UUID. */
  id?: string;
  /** A score belongs to a trace or to a session, not both. */
  traceId?: string;
  /** Needs `traceId` too. */
  observationId?: string;
  sessionId?: string;
  name: string;
  /**
   * A number for NUMERIC and BOOLEAN (1/0) scores, a string for CATEGORICAL, TEXT (1..500 characters) and
   * CORRECTION ones.
   */
  value: number | string | boolean;
  dataType?: ScoreDataType;
  comment?: string;
  metadata?: Record<string, unknown>;
  environment?: string;
  /** When the score was given. Default: now. */
  timestamp?: Date;
}

const DATA_TYPES: ReadonlySet<string> = new Set(['NUMERIC', 'BOOLEAN', 'CATEGORICAL', 'TEXT', 'CORRECTION']);
const STRING_TYPES: ReadonlySet<string> = new Set(['CATEGORICAL', 'TEXT', 'CORRECTION']);
/** The server's limit for a TEXT score's value. */
const TEXT_SCORE_MAX_LENGTH = 500;

const str = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value.slice(0, max) : undefined;

/** The `score-create` event for a score, or why it cannot be sent. Never throws. */
export function toScoreEvent(score: LangfuseScore, defaultEnvironment: string | undefined): ScoreCreateEvent | { invalid: string } {
  if (typeof score !== 'object' || score === null) return { invalid: 'a score must be an object' };
  const name = str(score.name, 1_000);
  if (!name) return { invalid: 'a score needs a name' };
  const traceId = str(score.traceId, 800);
  const sessionId = str(score.sessionId, 800);
  const observationId = str(score.observationId, 800);
  if (!traceId && !sessionId) return { invalid: `score "${name}" needs a traceId or a sessionId` };
  // The server takes exactly one target: a trace (with an optional observation) or a session.
  if (traceId && sessionId) return { invalid: `score "${name}" has both a traceId and a sessionId; give one` };
  if (observationId && !traceId) return { invalid: `score "${name}" has an observationId but no traceId` };
  let value = score.value;
  let dataType = typeof score.dataType === 'string' && DATA_TYPES.has(score.dataType) ? score.dataType : undefined;
  if (typeof value === 'boolean') {
    value = value ? 1 : 0;
    dataType ??= 'BOOLEAN';
  }
  if (typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'string') {
    return { invalid: `score "${name}" needs a finite number or a string as value` };
  }
  if (dataType !== undefined && STRING_TYPES.has(dataType) && typeof value !== 'string') {
    return { invalid: `score "${name}" of type ${dataType} needs a string value` };
  }
  if (dataType === 'TEXT' && (value === '' || (value as string).length > TEXT_SCORE_MAX_LENGTH)) {
    return { invalid: `text score "${name}" needs 1 to ${TEXT_SCORE_MAX_LENGTH} characters` };
  }
  if ((dataType === 'NUMERIC' || dataType === 'BOOLEAN') && typeof value !== 'number') return { invalid: `score "${name}" of type ${dataType} needs a number` };
  const id = str(score.id, 800) ?? randomUUID();
  const timestamp = score.timestamp instanceof Date && !Number.isNaN(score.timestamp.getTime()) ? score.timestamp : new Date();
  const body: ScoreCreateEvent['body'] = { id, name, value };
  if (traceId) body.traceId = traceId;
  if (observationId) body.observationId = observationId;
  if (sessionId) body.sessionId = sessionId;
  if (dataType) body.dataType = dataType;
  const comment = str(score.comment, 10_000);
  if (comment) body.comment = comment;
  if (score.metadata && typeof score.metadata === 'object') body.metadata = score.metadata;
  const environment = str(score.environment, 40) ?? defaultEnvironment;
  if (environment) body.environment = environment;
  return { id: `${id}-score-create`, timestamp: timestamp.toISOString(), type: 'score-create', body };
}
