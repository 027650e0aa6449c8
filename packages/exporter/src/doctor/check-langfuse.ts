import type { LangfuseExporterOptions, ResolvedExporterConfig } from '../config/exporter-options.js';
import { resolveExporterConfig, type Env } from '../config/resolve-exporter-config.js';
import { ComponentLogger } from '../diagnostics/component-logger.js';
import { describeError } from '../diagnostics/describe-error.js';
import { SDK_NAME } from '../version.js';
import { fail, ok, reportOf, skipped, warn, type LangfuseCheck, type LangfuseCheckReport } from './check-result.js';
import { checkAuth, checkClock, checkHealth } from './server-checks.js';
import { checkSpool } from './spool-check.js';
import { checkTestTrace } from './test-trace-check.js';
import { checkTransport } from './transport-check.js';

/** Options of `checkLangfuse()`: the exporter's own (same defaults and `LANGFUSE_*` variables), plus these. */
export interface LangfuseCheckOptions extends LangfuseExporterOptions {
  /** Deadline of each check that waits on the server, in ms. Default 5000. */
  checkTimeoutMs?: number;
  /** Send one test trace and confirm the server accepted it. Default true. */
  sendTestTrace?: boolean;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 5_000;

/**
 * The answer to "my traces don't show up": checks the keys (present, accepted by the server), that the server is
 * reachable (through the proxy in use) and its version, which endpoint `transport` will use and why, the clock
 * against the server's, the spool (when `spoolDir` is set), and sends one test trace. Each check is bounded by
 * `checkTimeoutMs`; every failure says what to do. Never rejects; nothing in the report holds the secret key.
 */
export async function checkLangfuse(options: LangfuseCheckOptions = {}, env: Env = process.env): Promise<LangfuseCheckReport> {
  const given: unknown = options?.secretKey;
  const scrubber = new ComponentLogger(`${SDK_NAME} doctor`, [typeof given === 'string' ? given.trim() : undefined, env['LANGFUSE_SECRET_KEY']?.trim()]);
  const checks: LangfuseCheck[] = [];
  try {
    await runChecks(options ?? {}, env, checks);
  } catch (error) {
    checks.push(fail('internal', `the checks stopped unexpectedly: ${describeError(error)}`, 'Please report this, with the output above'));
  }
  return reportOf(checks.map((check) => ({ ...check, summary: scrubber.scrub(check.summary), ...(check.fix !== undefined && { fix: scrubber.scrub(check.fix) }) })));
}

async function runChecks(options: LangfuseCheckOptions, env: Env, checks: LangfuseCheck[]): Promise<void> {
  const timeoutMs = positive(options.checkTimeoutMs) ?? DEFAULT_CHECK_TIMEOUT_MS;
  const resolved = resolveExporterConfig(options, env);
  if (!resolved.ok) {
    checks.push(configFailure(resolved.reason));
    return;
  }
  const config = resolved.config;
  checks.push(keyCheck(config));
  if (resolved.warnings.length > 0) {
    checks.push(warn('config', resolved.warnings.join('; '), 'Correct the options or environment variables named: the values used instead are given'));
  }
  const health = await checkHealth(config, timeoutMs);
  checks.push(health.check);
  if (!health.reachable) {
    checks.push(skipped('auth', 'not checked: the server could not be reached'));
  }
  const auth = health.reachable ? await checkAuth(config, timeoutMs) : undefined;
  if (auth) checks.push(auth.check);
  checks.push(checkTransport(config, health.version));
  if (health.answer) checks.push(checkClock(health.answer));
  const spool = await checkSpool(config);
  if (spool) checks.push(spool);
  if (options.sendTestTrace === false) return;
  if (health.check.status !== 'ok' || auth?.check.status !== 'ok') {
    checks.push(skipped('test-trace', 'not sent: fix the failures above first'));
    return;
  }
  const projectId = auth.projectId;
  const test = await checkTestTrace(
    { ...options, publicKey: config.publicKey, secretKey: config.secretKey, baseUrl: config.baseUrl, transport: config.transport },
    timeoutMs,
    (traceId) => (projectId ? `${config.baseUrl}/project/${encodeURIComponent(projectId)}/traces/${traceId}` : undefined),
  );
  checks.push(test.check);
}

const positive = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined);

function configFailure(reason: string): LangfuseCheck {
  if (reason.startsWith('no Langfuse')) {
    return fail('keys', reason, "Set LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY (from the project's Settings > API Keys), or pass publicKey and secretKey");
  }
  return fail('config', reason, 'Set LANGFUSE_BASE_URL (or baseUrl) to the Langfuse server, e.g. https://cloud.langfuse.com');
}

/** Both keys set, and not swapped or mistyped (Langfuse's keys start with `pk-lf-` and `sk-lf-`). */
function keyCheck(config: ResolvedExporterConfig): LangfuseCheck {
  if (config.publicKey.startsWith('sk-lf-') || config.secretKey.startsWith('pk-lf-')) {
    return fail('keys', 'the public and secret keys look swapped (the public key starts with pk-lf-, the secret key with sk-lf-)', 'Put the pk-lf-… key in LANGFUSE_PUBLIC_KEY and the sk-lf-… key in LANGFUSE_SECRET_KEY');
  }
  const shown = `public key ${config.publicKey.slice(0, 12)}…`;
  if (!config.publicKey.startsWith('pk-lf-') || !config.secretKey.startsWith('sk-lf-')) {
    return warn('keys', `${shown} and a secret key are set, but do not look like Langfuse keys (pk-lf-…, sk-lf-…)`, "Copy both keys again from the project's Settings > API Keys");
  }
  return ok('keys', `${shown} and a secret key are set; server ${config.baseUrl}`);
}
