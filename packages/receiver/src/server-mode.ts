import { isExtendedObservationEventType, type IngestionEventType } from './event-types.js';

/**
 * The Langfuse server the receiver imitates.
 * - 'v3': a self-hosted v3 server (legacy ingestion accepts every event type).
 * - 'v4-events-only': a default v4 server; the legacy path takes only `score-create` and `sdk-log`.
 * More ('v2', 'cloud') can be added as members of this union.
 */
export type ReceiverMode = 'v3' | 'v4-events-only';

export const RECEIVER_MODES: readonly ReceiverMode[] = ['v3', 'v4-events-only'];

export interface ModePolicy {
  mode: ReceiverMode;
  extendedObservationTypes: boolean;
}

export interface ModeRejection {
  status: number;
  message: string;
  error: string;
}

/** Why this server would refuse an event of this type whatever its content, or undefined if it would not. */
export function modeRejection(type: IngestionEventType, policy: ModePolicy): ModeRejection | undefined {
  if (policy.mode === 'v4-events-only' && type !== 'score-create' && type !== 'sdk-log') {
    return {
      status: 400,
      message: 'Event type not accepted',
      error: `${type} is not accepted on /api/public/ingestion by a Langfuse v4 server in events_only mode; use the OTLP endpoint`,
    };
  }
  if (!policy.extendedObservationTypes && isExtendedObservationEventType(type)) {
    return {
      status: 400,
      message: `Invalid request data: type ${type} is not a known event type (it needs Langfuse >= 3.99)`,
      error: `Invalid event type: ${type}`,
    };
  }
  return undefined;
}

/** The version `/api/public/health` reports, so a client probing versions sees the server being imitated. */
export function emulatedServerVersion(policy: ModePolicy): string {
  if (policy.mode === 'v4-events-only') return '4.0.0';
  return policy.extendedObservationTypes ? '3.99.0' : '3.98.0';
}
