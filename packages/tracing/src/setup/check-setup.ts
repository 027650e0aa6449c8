import type { TracerProvider } from '@opentelemetry/api';
import { checkLangfuse, type LangfuseCheck, type LangfuseCheckReport } from '@otel-langfuse/exporter';
import { globalDelegate } from './global-otel.js';
import type { LangfuseSetupOptions } from './setup-options.js';

/** What `handle.check()` takes. */
export interface LangfuseCheckCallOptions {
  /** Deadline of each check that waits on the server, in ms. Default 5000. */
  timeoutMs?: number;
  /** Send one test trace (named "otel-langfuse doctor") and confirm it was accepted. Default true. */
  sendTestTrace?: boolean;
}

interface CheckedSetup {
  readonly enabled: boolean;
  readonly disabledReason: string | undefined;
  readonly provider: TracerProvider | undefined;
  readonly registeredGlobally: boolean;
}

const FIX_ADD_PROCESSOR =
  "Add createLangfuseSpanProcessor() from '@otel-langfuse/tracing' to that provider's span processors " +
  '(e.g. new NodeSDK({ spanProcessors: [createLangfuseSpanProcessor()] })), or set that provider up with registerGlobal off and pass registerGlobal: true here';

/** Whether a provider has a Langfuse span processor (best effort: the SDK keeps its processors in private fields). */
function carriesLangfuse(provider: TracerProvider): boolean | undefined {
  try {
    const active = (provider as unknown as { _activeSpanProcessor?: { _spanProcessors?: unknown } })._activeSpanProcessor;
    const processors = active?._spanProcessors;
    if (!Array.isArray(processors)) return undefined;
    return processors.some((p: unknown) => typeof p === 'object' && p !== null && typeof (p as { score?: unknown }).score === 'function' && typeof (p as { stats?: unknown }).stats === 'function');
  } catch {
    return undefined;
  }
}

/** Who holds the global TracerProvider, and whether spans of instrumentation that uses it reach Langfuse. */
export function checkGlobalProvider(setup: CheckedSetup): LangfuseCheck {
  const name = 'global-provider';
  if (!setup.enabled) return { name, status: 'skipped', summary: 'not checked: tracing is off' };
  if (setup.registeredGlobally) {
    return { name, status: 'ok', summary: "this setup's provider is the global TracerProvider: spans of instrumentation that uses the global tracer (Vercel AI SDK, OpenLLMetry, HTTP) reach Langfuse" };
  }
  const holder = globalDelegate();
  if (holder === undefined) {
    return {
      name,
      status: 'ok',
      summary: 'no global TracerProvider is registered (registerGlobal: false): langfuse.trace() spans reach Langfuse; instrumentation that uses the global tracer records nothing (registerGlobal: true would send its spans here)',
    };
  }
  const who = `another TracerProvider (${holder.constructor?.name || 'unknown'})`;
  const carries = carriesLangfuse(holder);
  if (carries === true) return { name, status: 'ok', summary: `${who} holds the global slot and has a Langfuse span processor: its spans reach Langfuse` };
  return {
    name,
    status: 'warn',
    summary: `${who} holds the global slot${carries === undefined ? '' : ' without a Langfuse span processor'}: langfuse.trace() spans reach Langfuse, spans of instrumentation that uses the global tracer go to it${carries === undefined ? ' (whether it also sends them to Langfuse could not be seen)' : ', not to Langfuse'}`,
    fix: FIX_ADD_PROCESSOR,
  };
}

/** `handle.check()`: the exporter's checks with this setup's options, the setup's own state, and the global provider. Never rejects. */
export async function checkSetup(setup: CheckedSetup, options: LangfuseSetupOptions, call: LangfuseCheckCallOptions = {}): Promise<LangfuseCheckReport> {
  const checks: LangfuseCheck[] = [];
  if (!setup.enabled) {
    checks.push({
      name: 'tracing',
      status: 'fail',
      summary: `tracing is off: ${setup.disabledReason ?? 'disabled'}`,
      fix: 'Remove enabled: false / LANGFUSE_TRACING_ENABLED=false if it is set, and fix what the checks below report',
    });
  }
  try {
    const report = await checkLangfuse({
      ...options,
      ...(call?.timeoutMs !== undefined && { checkTimeoutMs: call.timeoutMs }),
      ...(call?.sendTestTrace !== undefined && { sendTestTrace: call.sendTestTrace }),
    });
    checks.push(...report.checks);
  } catch {
    // checkLangfuse never rejects; this only keeps the promise of never rejecting here.
  }
  checks.push(checkGlobalProvider(setup));
  return { ok: checks.every((check) => check.status !== 'fail'), checks };
}
