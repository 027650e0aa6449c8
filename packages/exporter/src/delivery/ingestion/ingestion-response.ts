import type { IngestionResultItem } from '../../wire/ingestion-event.js';
import { jsonObject } from '../../wire/json-object.js';

/** The per-event results of a 207 answer, keyed by envelope id; undefined when the body is not Langfuse's shape. */
export function parseMultiStatus(body: string): Map<string, IngestionResultItem> | undefined {
  const parsed = jsonObject(body);
  if (!parsed) return undefined;
  const { successes, errors } = parsed;
  if (!Array.isArray(successes) || !Array.isArray(errors)) return undefined;
  const results = new Map<string, IngestionResultItem>();
  addResults(results, successes as unknown[]);
  addResults(results, errors as unknown[]);
  return results;
}

function addResults(results: Map<string, IngestionResultItem>, items: readonly unknown[]): void {
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue;
    const { id, status, message, error } = item as Record<string, unknown>;
    if (typeof id !== 'string' || typeof status !== 'number') continue;
    results.set(id, { id, status, message: typeof message === 'string' ? message : undefined, error });
  }
}

/** A short, bounded description of what the server said, for diagnostics. */
export function describeServerMessage(body: string): string {
  // A long body is no server message worth parsing whole (an HTML page, a proxy's error): its start says enough.
  let text = body.length > MAX_MESSAGE_SOURCE_CHARS ? body.slice(0, MAX_MESSAGE_SOURCE_CHARS) : body;
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    if (typeof parsed?.message === 'string') text = parsed.message;
    else if (typeof parsed?.error === 'string') text = parsed.error;
  } catch {
    // not JSON: use the text as it is
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

const MAX_MESSAGE_SOURCE_CHARS = 64 * 1024;

export const EVENT_TYPE_NOT_ACCEPTED = 'Event type not accepted';
