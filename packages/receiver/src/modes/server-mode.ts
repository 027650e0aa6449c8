import { isExtendedObservationEventType, type IngestionEventType } from '../events/event-types.js';

/**
 * The Langfuse server the receiver imitates.
 * - 'v2': a self-hosted v2 server: legacy ingestion only (no OTLP endpoint: 404), no extended observation types.
 * - 'v3': a self-hosted v3 server: the legacy path accepts every event type, and the OTLP endpoint is there.
 * - 'v4-events-only': a default v4 server; the legacy path takes only `score-create` and `sdk-log`, OTLP takes traces.
 * - 'cloud': Langfuse Cloud, which behaves like 'v4-events-only' here.
 */
export type ReceiverMode = 'v2' | 'v3' | 'v4-events-only' | 'cloud';

export const RECEIVER_MODES: readonly ReceiverMode[] = ['v2', 'v3', 'v4-events-only', 'cloud'];

export interface ModePolicy {
  mode: ReceiverMode;
  extendedObservationTypes: boolean;
}

export interface ModeRejection {
  status: number;
  message: string;
  error: string;
}

/**
 * Whether the server's OTLP path writes the legacy tables (v3; v4 in `legacy`/`dual` write mode, which the receiver
 * imitates as 'v3'), where each span carrying trace attributes becomes a whole trace update.
 */
export function writesLegacyTables(policy: ModePolicy): boolean {
  return policy.mode === 'v3';
}

/** Whether the server has `POST /api/public/otel/v1/traces` (Langfuse >= 3.22). */
export function acceptsOtlp(policy: ModePolicy): boolean {
  return policy.mode !== 'v2';
}

/** Why this server would refuse an event of this type on the legacy path whatever its content, or undefined. */
export function modeRejection(type: IngestionEventType, policy: ModePolicy): ModeRejection | undefined {
  if ((policy.mode === 'v4-events-only' || policy.mode === 'cloud') && type !== 'score-create' && type !== 'sdk-log') {
    const server = policy.mode === 'cloud' ? 'Langfuse Cloud' : 'a Langfuse v4 server in events_only mode';
    return {
      status: 400,
      message: 'Event type not accepted',
      error: `${type} is not accepted on /api/public/ingestion by ${server}; use the OTLP endpoint`,
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
  switch (policy.mode) {
    case 'v2':
      return '2.95.0';
    case 'v4-events-only':
    case 'cloud':
      return '4.0.0';
    case 'v3':
      return policy.extendedObservationTypes ? '3.99.0' : '3.98.0';
  }
}
