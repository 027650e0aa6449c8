import { context, propagation, trace } from '@opentelemetry/api';

/** Forgets every global the OTel API holds (provider, context manager, propagator), so tests do not leak into each other. */
export function resetOtelGlobals(): void {
  trace.disable();
  context.disable();
  propagation.disable();
}
