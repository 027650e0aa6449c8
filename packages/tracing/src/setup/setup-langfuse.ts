import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ExporterStats, LangfuseCheckReport } from '@otel-langfuse/exporter';
import { checkSetup, type LangfuseCheckCallOptions } from './check-setup.js';
import { installFacadeConfig, uninstallFacadeConfig, type FacadeConfig } from '../facade/facade-config.js';
import { describeCaught, log } from '../logger.js';
import { processWide } from '../process-wide.js';
import { TRACER_NAME, TRACING_VERSION } from '../version.js';
import { buildResource } from './build-resource.js';
import { emptyExporterStats as emptyStats } from '@otel-langfuse/exporter';
import { flushBeforeExit } from './exit-flush.js';
import { noticeUnsentAtExit } from './exit-notice.js';
import { timeoutOf, type FlushOptions } from './flush-options.js';
import { ensureContextManager, registerGlobally, releaseGlobal } from './global-otel.js';
import { buildLangfuseSpanProcessor, reportConfig, type AbortableSpanProcessor } from './langfuse-span-processor.js';
import { LangfuseSampler } from './langfuse-sampler.js';
import { resolveSetupConfig, type ResolvedSetupConfig } from './resolve-setup-config.js';
import type { LangfuseSetupOptions } from './setup-options.js';
import { SpanTracker } from './span-tracker.js';
import { settlesWithin } from './with-timeout.js';

/** What `setupLangfuse()` returns. */
export interface LangfuseHandle {
  /**
   * False when nothing can be exported (`enabled: false`, no keys, an invalid `baseUrl`, or setup failed): the facade
   * only runs user code.
   */
  readonly enabled: boolean;
  /** Why `enabled` is false, e.g. `baseUrl is not a valid URL (got "not a url")`; never a secret. Undefined when enabled. */
  readonly disabledReason: string | undefined;
  /** The provider the facade traces with (undefined when tracing is off). */
  readonly provider: NodeTracerProvider | undefined;
  /** True when the provider was registered as the global TracerProvider (`registerGlobal`). */
  readonly registeredGlobally: boolean;
  /**
   * Resolves when every span ended so far is delivered or has definitively failed, or by `timeoutMs` (default 2.5 s):
   * what is still being sent then is aborted, counted in `stats()` and dead-lettered. Never rejects.
   */
  forceFlush(options?: FlushOptions): Promise<void>;
  /**
   * Flushes and closes; idempotent; resolves within `timeoutMs` (default `shutdownTimeoutMs`), aborting (counting,
   * dead-lettering) what is still being sent then; never rejects. The facade then reverts to the global API.
   */
  shutdown(options?: FlushOptions): Promise<void>;
  /** The exporter's counters (spans, events sent/rejected/dropped by reason, requests, retries, bytes). */
  stats(): ExporterStats;
  /**
   * "My traces don't show up": checks this setup's keys (present, accepted), the server (reachable through the proxy in
   * use, its version, the transport used and why, clock skew), the spool, who holds the global TracerProvider, and sends
   * one test trace; each failure comes with its fix (see docs/troubleshooting.md). Never rejects; no secret in it.
   */
  check(options?: LangfuseCheckCallOptions): Promise<LangfuseCheckReport>;
}

class ActiveSetup implements LangfuseHandle {
  /** The options this setup was made with, for `check()`. */
  setupOptions: LangfuseSetupOptions = {};

  check(options?: LangfuseCheckCallOptions): Promise<LangfuseCheckReport> {
    return checkSetup(this, this.setupOptions, options);
  }
  readonly enabled = true;
  readonly disabledReason = undefined;
  private shutdownPromise: Promise<void> | undefined;
  private readonly removeExitFlush: (() => void) | undefined;
  private readonly removeExitNotice: () => void;

  constructor(
    readonly provider: NodeTracerProvider,
    readonly registeredGlobally: boolean,
    private readonly processor: AbortableSpanProcessor,
    private readonly extraProcessors: readonly SpanProcessor[],
    private readonly tracker: SpanTracker,
    private readonly facade: FacadeConfig,
    private readonly config: ResolvedSetupConfig,
  ) {
    if (config.mode === 'batch' && config.flushOnExit) {
      this.removeExitFlush = flushBeforeExit(
        () => this.forceFlush({ timeoutMs: config.shutdownTimeoutMs }),
        () => this.tracker.endedSinceFlush > 0 || this.processor.unsentSpans() > 0,
        () => this.giveUpAfterExitFlush(),
      );
    }
    this.removeExitNotice = noticeUnsentAtExit(() => this.processor.unsentSpans());
  }

  get isShutDown(): boolean {
    return this.shutdownPromise !== undefined;
  }

  async forceFlush(options?: FlushOptions): Promise<void> {
    // During (or after) shutdown, the shutdown is what delivers the queue.
    if (this.shutdownPromise !== undefined) return this.shutdownPromise;
    this.tracker.takeEnded();
    const timeoutMs = timeoutOf(options, this.config.flushTimeoutMs);
    try {
      await Promise.all([this.processor.flushWithin(timeoutMs), settlesWithin(this.flushExtraProcessors(), timeoutMs)]);
    } catch (error) {
      // Failures are in stats().
      log.debug(`forceFlush: ${describeCaught(error)}`);
    }
  }

  shutdown(options?: FlushOptions): Promise<void> {
    this.shutdownPromise ??= this.shutdownOnce(timeoutOf(options, this.config.shutdownTimeoutMs));
    return this.shutdownPromise;
  }

  stats(): ExporterStats {
    return this.processor.stats();
  }

  /** After the exit-time flush (bounded by `shutdownTimeoutMs`): what is still unsent is given up so the process can end. */
  private giveUpAfterExitFlush(): void {
    if (this.processor.unsentSpans() === 0) return;
    this.processor.abortDeliveries();
    log.warn(`the flush at exit did not finish within shutdownTimeoutMs (${this.config.shutdownTimeoutMs} ms); what was still being sent was given up (counted in stats(), dead-lettered if configured)`);
  }

  private async flushExtraProcessors(): Promise<void> {
    await Promise.allSettled(this.extraProcessors.map((processor) => processor.forceFlush()));
  }

  private async shutdownOnce(timeoutMs: number): Promise<void> {
    this.removeExitFlush?.();
    this.removeExitNotice();
    uninstallFacadeConfig(this.facade);
    if (this.registeredGlobally) releaseGlobal(this.provider);
    const share = Math.min(ABORTED_SHUTDOWN_GRACE_MS, timeoutMs / 2);
    const done = this.provider.shutdown().catch((error: unknown) => log.debug(`shutdown: ${describeCaught(error)}`));
    if (!(await settlesWithin(done, timeoutMs - share))) {
      // What is still on the wire is given up (counted, dead-lettered), so a hung server cannot hold the process.
      this.processor.abortDeliveries();
      await settlesWithin(done, share);
      log.warn(`shutdown did not finish within ${timeoutMs} ms; deliveries still running were aborted (counted in stats(), dead-lettered if configured)`);
    }
  }
}

/** Of a shutdown's deadline, what is kept for the exporter to count and dead-letter what an abort gave up on. */
const ABORTED_SHUTDOWN_GRACE_MS = 300;

class DisabledSetup implements LangfuseHandle {
  /** The options this setup was made with, for `check()`. */
  setupOptions: LangfuseSetupOptions = {};

  check(options?: LangfuseCheckCallOptions): Promise<LangfuseCheckReport> {
    return checkSetup(this, this.setupOptions, options);
  }
  readonly enabled = false;
  readonly provider = undefined;
  readonly registeredGlobally = false;
  private readonly facade: FacadeConfig;
  isShutDown = false;

  constructor(
    config: ResolvedSetupConfig | undefined,
    readonly disabledReason: string = config?.disabled?.message ?? 'tracing is disabled',
  ) {
    this.facade = { tracer: undefined, mask: undefined, ownership: undefined, baggageKeys: new Set(config?.baggageKeys ?? []), usesGlobalApi: false };
    installFacadeConfig(this.facade);
  }

  forceFlush(_options?: FlushOptions): Promise<void> {
    return Promise.resolve();
  }

  shutdown(_options?: FlushOptions): Promise<void> {
    this.isShutDown = true;
    uninstallFacadeConfig(this.facade);
    return Promise.resolve();
  }

  stats(): ExporterStats {
    return emptyStats();
  }
}

function start(options: LangfuseSetupOptions, config: ResolvedSetupConfig): ActiveSetup | DisabledSetup {
  const processor = buildLangfuseSpanProcessor(options, config);
  // Nothing can be exported (e.g. an invalid baseUrl; the exporter said why): no provider, the facade only runs user code.
  if (!processor.enabled) {
    void processor.shutdown();
    return new DisabledSetup(config, processor.disabledReason);
  }
  const tracker = new SpanTracker();
  const extra = Array.isArray(options.spanProcessors) ? options.spanProcessors.filter((p): p is SpanProcessor => typeof p === 'object' && p !== null) : [];
  let registeredGlobally = false;
  const sampler = new LangfuseSampler(config.sampleRate, () => (registeredGlobally ? undefined : tracker));
  const provider = new NodeTracerProvider({
    resource: buildResource(options),
    spanProcessors: [tracker, processor, ...extra],
    sampler,
  });
  ensureContextManager();
  registeredGlobally = config.registerGlobal !== false && registerGlobally(provider, setups.current?.provider);
  if (config.registerGlobal !== false && !registeredGlobally) warnGlobalTaken(config.registerGlobal);
  const facade: FacadeConfig = {
    scores: {
      score: (score) => processor.score(score),
      keepsTrace: (traceId) => sampler.keepsTrace(traceId),
    },
    tracer: provider.getTracer(TRACER_NAME, TRACING_VERSION),
    mask: typeof options.mask === 'function' ? options.mask : undefined,
    ownership: registeredGlobally ? undefined : tracker,
    baggageKeys: new Set(config.baggageKeys),
    usesGlobalApi: false,
  };
  installFacadeConfig(facade);
  return new ActiveSetup(provider, registeredGlobally, processor, extra, tracker, facade, config);
}

/**
 * Sets up Langfuse tracing: a `NodeTracerProvider` with a `LangfuseSpanExporter` under a batch (default) or
 * sync processor, which `langfuse.trace()` and friends then use. The most recent setup wins: the one it
 * replaces is flushed and shut down (observations of its still-open traces stay with it).
 *
 * Isolated by default: a global TracerProvider someone else registered (Sentry, Datadog, @vercel/otel) is
 * never replaced, and W3C propagation works through the facade's own propagator; only an AsyncLocalStorage
 * context manager is installed, and only when none exists (spans cannot nest without one). `registerGlobal`
 * makes the provider global instead. Users who own their provider or NodeSDK use `createLangfuseSpanProcessor`.
 *
 * With tracing off (`enabled: false`, `LANGFUSE_TRACING_ENABLED=false`), without keys or with an invalid `baseUrl`
 * (one diagnostic; `disabledReason` on the handle says why), no provider is built and the facade runs user code unchanged. This function never throws.
 *
 * Exit: in batch mode, spans still queued when the event loop empties are flushed (`beforeExit`). That event
 * does not fire on `process.exit()` or on signals, so shut down on SIGTERM (containers, Kubernetes); a SIGTERM
 * listener replaces Node's default exit, so it must exit itself:
 * ```ts
 * const tracing = setupLangfuse();
 * process.once('SIGTERM', () => {
 *   server.close();
 *   void tracing.shutdown().finally(() => process.exit(0));
 * });
 * ```
 */
export function setupLangfuse(options: LangfuseSetupOptions = {}): LangfuseHandle {
  let config: ResolvedSetupConfig | undefined;
  let next: ActiveSetup | DisabledSetup;
  try {
    config = resolveSetupConfig(options ?? {});
    reportConfig(config);
    next = config.disabled !== undefined ? new DisabledSetup(config) : start(options ?? {}, config);
  } catch (error) {
    log.once('error', 'setup-failed', `setupLangfuse failed, code runs without tracing: ${describeCaught(error)}`);
    next = new DisabledSetup(config, `setupLangfuse failed: ${describeCaught(error)}`);
  }
  next.setupOptions = options ?? {};
  replaceCurrent(next);
  return next;
}

/** One per process, like the facade's state: `setupLangfuse()` through either build replaces the same setup. */
const setups = processWide<{ current: LangfuseHandle & { readonly isShutDown: boolean } | undefined }>('setups', () => ({ current: undefined }));

/** The most recent setup, if any (what `withLangfuseFlush` flushes when not told which). */
export function currentSetup(): LangfuseHandle | undefined {
  return setups.current;
}

/**
 * Another provider holds the global slot: the facade's spans reach Langfuse, but those of instrumentation that uses
 * the global tracer go to that provider only. Said once, with what to add.
 */
function warnGlobalTaken(setting: true | 'auto'): void {
  const fix =
    'spans of instrumentation that uses the global tracer (Vercel AI SDK, OpenLLMetry, HTTP auto-instrumentation) go to it, not to Langfuse. ' +
    "To send them to Langfuse too, add createLangfuseSpanProcessor() from '@otel-langfuse/tracing' to that provider's span processors " +
    "(e.g. new NodeSDK({ spanProcessors: [createLangfuseSpanProcessor()] })); to silence this, pass registerGlobal: false";
  const lead = setting === true ? 'registerGlobal: another TracerProvider is registered globally and was left alone; ' : 'another TracerProvider is registered globally (left alone; langfuse.trace() still reaches Langfuse): ';
  log.once('warn', `global-provider-taken-${String(setting)}`, lead + fix);
}

/** The most recent setup wins; the one it replaces is shut down, so providers, exporters and exit listeners don't pile up. */
function replaceCurrent(next: ActiveSetup | DisabledSetup): void {
  const previous = setups.current;
  setups.current = next;
  if (previous === undefined || previous.isShutDown) return;
  if (previous.enabled) log.once('info', 'setup-replaced', 'setupLangfuse() was called again: the previous setup was flushed and shut down');
  void previous.shutdown();
}
