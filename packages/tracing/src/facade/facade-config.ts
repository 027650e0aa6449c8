import { trace, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import type { MaskFunction } from '@otel-langfuse/exporter';
import { processWide } from '../process-wide.js';
import { TRACER_NAME, TRACING_VERSION } from '../version.js';
import type { ScoreSink } from './score-sink.js';

/** Which spans a provider started (isolated mode): spans of other providers are never exported by ours. */
export interface SpanOwnership {
  owns(span: Span): boolean;
}

/** What the facade traces with: the most recent `setupLangfuse()`, else the global OTel API. */
export interface FacadeConfig {
  /** Undefined: tracing is off and the facade only runs the user's code. */
  readonly tracer: Tracer | undefined;
  readonly mask: MaskFunction | undefined;
  /** Set for an isolated provider: spans it did not start are foreign (another provider's). */
  readonly ownership: SpanOwnership | undefined;
  /** Baggage keys that `injectTraceContext` / `extractTraceContext` pass on. */
  readonly baggageKeys: ReadonlySet<string>;
  /** True when no `setupLangfuse()` is in effect and the global API tracer is used. */
  readonly usesGlobalApi: boolean;
  /** Where scores go; undefined without an active setup. */
  readonly scores?: ScoreSink | undefined;
}

const NO_KEYS: ReadonlySet<string> = new Set();

interface FacadeState {
  installed: FacadeConfig | undefined;
  globalFallback: { provider: TracerProvider; mask: MaskFunction | undefined; config: FacadeConfig } | undefined;
  /** Masks of live `createLangfuseSpanProcessor()` processors, in creation order. */
  processorMasks: MaskFunction[];
  processorMask: MaskFunction | undefined;
}

/** One per process: a setup made through the CommonJS build is the one the ESM build's facade uses, and back. */
const state = processWide<FacadeState>('facade-config', () => ({
  installed: undefined,
  globalFallback: undefined,
  processorMasks: [],
  processorMask: undefined,
}));

export function facadeConfig(): FacadeConfig {
  const { installed, globalFallback, processorMask } = state;
  if (installed !== undefined) return installed;
  const provider = trace.getTracerProvider();
  if (globalFallback?.provider === provider && globalFallback.mask === processorMask) return globalFallback.config;
  const config: FacadeConfig = {
    tracer: provider.getTracer(TRACER_NAME, TRACING_VERSION),
    mask: processorMask,
    ownership: undefined,
    baggageKeys: NO_KEYS,
    usesGlobalApi: true,
  };
  state.globalFallback = { provider, mask: processorMask, config };
  return config;
}

/**
 * A span processor's mask, applied by the facade while it traces through the global API, so raw values never
 * reach span attributes that every processor of the provider sees. Returns the function that removes it.
 */
export function registerProcessorMask(mask: MaskFunction): () => void {
  const masks = state.processorMasks;
  masks.push(mask);
  state.processorMask = combined(masks);
  return () => {
    const index = masks.indexOf(mask);
    if (index === -1) return;
    masks.splice(index, 1);
    state.processorMask = combined(masks);
  };
}

/** Masks are idempotent redactions: several in a row redact what each of them would. */
function combined(masks: readonly MaskFunction[]): MaskFunction | undefined {
  if (masks.length <= 1) return masks[0];
  const all = [...masks];
  return ({ data, field }) => all.reduce((value, mask) => mask({ data: value, field }), data);
}

interface DelegatingProvider {
  getDelegateTracer(name: string, version?: string): unknown;
}

/** Has anyone registered a global TracerProvider (Sentry, Datadog, @vercel/otel, NodeSDK, ...)? */
export function hasGlobalTracerProvider(): boolean {
  const provider = trace.getTracerProvider() as TracerProvider & Partial<DelegatingProvider>;
  if (typeof provider.getDelegateTracer !== 'function') return true;
  return provider.getDelegateTracer(TRACER_NAME, TRACING_VERSION) !== undefined;
}

/** Is anything traced at all? For diagnostics about misuse, which are noise while tracing is off. */
export function tracingIsOn(config: FacadeConfig = facadeConfig()): boolean {
  return config.tracer !== undefined && (!config.usesGlobalApi || hasGlobalTracerProvider());
}

export function installFacadeConfig(config: FacadeConfig): void {
  state.installed = config;
}

/** Reverts to the global API, unless a later setup has replaced `config` already. */
export function uninstallFacadeConfig(config: FacadeConfig): void {
  if (state.installed === config) state.installed = undefined;
}
