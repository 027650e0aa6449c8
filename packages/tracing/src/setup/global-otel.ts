import { context, createContextKey, propagation, ROOT_CONTEXT, trace, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { hasGlobalTracerProvider } from '../facade/facade-config.js';
import { hasGlobalPropagator } from '../propagation/propagators.js';

const PROBE = createContextKey('@otel-langfuse/tracing context probe');

/** Does a context manager propagate context? Probing avoids the API's "duplicate registration" error. */
export function hasContextManager(): boolean {
  return context.with(ROOT_CONTEXT.setValue(PROBE, true), () => context.active().getValue(PROBE) === true);
}

/** Installs an AsyncLocalStorage context manager when none is registered; without one, spans do not nest. */
export function ensureContextManager(): void {
  if (hasContextManager()) return;
  const manager = new AsyncLocalStorageContextManager();
  manager.enable();
  if (!context.setGlobalContextManager(manager)) manager.disable();
}

interface ProxyProvider {
  getDelegate(): TracerProvider;
}

/** The provider behind the API's global proxy, when one is registered. */
export function globalDelegate(): TracerProvider | undefined {
  if (!hasGlobalTracerProvider()) return undefined;
  const proxy = trace.getTracerProvider() as TracerProvider & Partial<ProxyProvider>;
  return typeof proxy.getDelegate === 'function' ? proxy.getDelegate() : proxy;
}

/**
 * Registers `provider` globally, plus W3C propagators where none exist. False when another provider is there;
 * `replacing` (the provider of the setup this one replaces) is not another: its registration is released first.
 */
export function registerGlobally(provider: TracerProvider, replacing?: TracerProvider): boolean {
  if (replacing !== undefined && globalDelegate() === replacing) trace.disable();
  if (hasGlobalTracerProvider()) return false;
  if (!trace.setGlobalTracerProvider(provider)) return false;
  if (!hasGlobalPropagator()) {
    propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    );
  }
  return true;
}

/** Releases the global slot if `provider` holds it (its setup shut down): the API's tracers become no-ops again. */
export function releaseGlobal(provider: TracerProvider): void {
  if (globalDelegate() === provider) trace.disable();
}
