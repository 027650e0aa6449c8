/**
 * Reasons a loss is transient: the server was unreachable, overloaded or slow, or the exporter ran out of time or
 * room while it was. Such data goes to the spool and is sent again later. Anything else (a 4xx refusal, an event
 * too large, a mapping error, the exporter disabled) would be refused again, so it never goes there.
 */
const TRANSIENT = new Set([
  'retries-exhausted',
  'timeout',
  'deadline',
  'flush-deadline',
  'shutdown',
  'circuit-open',
  'memory-cap',
  'too-many-pending-exports',
  'queue-full',
]);

export function isTransientReason(reason: string): boolean {
  return TRANSIENT.has(reason) || reason.startsWith('network-');
}
