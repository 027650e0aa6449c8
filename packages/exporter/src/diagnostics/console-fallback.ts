/** Levels of our diagnostics, lowest first. */
export type DiagnosticLevel = 'debug' | 'info' | 'warn' | 'error';

/** What `LANGFUSE_LOG_LEVEL` accepts: a level, or `none` for silence. */
export type ConsoleLogLevel = DiagnosticLevel | 'none';

const RANK: Record<ConsoleLogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, none: 4 };

/**
 * Where every `@opentelemetry/api` 1.x copy in the process keeps its globals; `diag.setLogger()` stores the host's
 * logger under `diag` there and `diag.disable()` removes it. Read directly (not through one copy's `diag`) so a host
 * logger set through another copy of the API counts too.
 */
const OTEL_API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

/** True when the host app gave OTel's `diag` a logger: then it decides what is printed, not us. Never throws. */
export function hostDiagLoggerIsSet(): boolean {
  try {
    const registry = (globalThis as Record<symbol, unknown>)[OTEL_API_GLOBAL];
    return typeof registry === 'object' && registry !== null && (registry as { diag?: unknown }).diag !== undefined;
  } catch {
    return false;
  }
}

/**
 * The console level: `LANGFUSE_DEBUG=true` means `debug` (as in Langfuse's JS SDK, it wins over the level), else
 * `LANGFUSE_LOG_LEVEL` (case-insensitive), else `warn`. An unknown level is `warn`, reported by {@link invalidLogLevel}.
 */
export function consoleLogLevel(env: Readonly<Record<string, string | undefined>> = process.env): ConsoleLogLevel {
  if (env['LANGFUSE_DEBUG']?.trim().toLowerCase() === 'true') return 'debug';
  const level = env['LANGFUSE_LOG_LEVEL']?.trim().toLowerCase();
  return level !== undefined && level in RANK ? (level as ConsoleLogLevel) : 'warn';
}

/** The value of `LANGFUSE_LOG_LEVEL` when it is set but not a level, else undefined. */
export function invalidLogLevel(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const raw = env['LANGFUSE_LOG_LEVEL']?.trim();
  return raw && !(raw.toLowerCase() in RANK) ? raw.slice(0, 40) : undefined;
}

/** Lines the console gets per window when not at debug level: a storm of failures prints a few lines, not thousands. */
export const CONSOLE_LINES_PER_WINDOW = 5;
export const CONSOLE_WINDOW_MS = 60_000;
/** Distinct messages remembered for "once per cause"; past it, only the rate limit applies. */
const REMEMBERED_MESSAGES = 256;

/**
 * Prints our diagnostics to stderr when the host set no `diag` logger: at or above the console level, each distinct
 * message once, at most {@link CONSOLE_LINES_PER_WINDOW} lines a minute (the next printed line says how many were held
 * back). At `debug` level every line is printed: the user asked for everything.
 */
export class ConsoleFallback {
  private readonly printed = new Set<string>();
  private windowStart = Number.NEGATIVE_INFINITY;
  private linesInWindow = 0;
  private suppressed = 0;
  private reportedInvalidLevel = false;

  constructor(
    private readonly write: (line: string) => void = writeStderr,
    private readonly now: () => number = Date.now,
    private readonly env: () => Readonly<Record<string, string | undefined>> = () => process.env,
  ) {}

  log(namespace: string, level: DiagnosticLevel, message: string): void {
    const env = this.env();
    const threshold = consoleLogLevel(env);
    this.reportInvalidLevel(env, threshold);
    if (RANK[level] < RANK[threshold]) return;
    const line = `[${namespace}] ${level.toUpperCase()}: ${message}`;
    if (threshold === 'debug') {
      this.write(line);
      return;
    }
    if (this.printed.has(line)) return;
    const now = this.now();
    if (now - this.windowStart >= CONSOLE_WINDOW_MS) {
      this.windowStart = now;
      this.linesInWindow = 0;
    }
    if (this.linesInWindow >= CONSOLE_LINES_PER_WINDOW) {
      this.suppressed++;
      return;
    }
    this.linesInWindow++;
    if (this.printed.size < REMEMBERED_MESSAGES) this.printed.add(line);
    const held = this.suppressed;
    this.suppressed = 0;
    this.write(held === 0 ? line : `${line} (${held} earlier Langfuse diagnostic${held === 1 ? ' was' : 's were'} held back by the rate limit; LANGFUSE_LOG_LEVEL=debug shows all)`);
  }

  private reportInvalidLevel(env: Readonly<Record<string, string | undefined>>, threshold: ConsoleLogLevel): void {
    if (this.reportedInvalidLevel || threshold === 'none') return;
    const invalid = invalidLogLevel(env);
    if (invalid === undefined) return;
    this.reportedInvalidLevel = true;
    this.write(`[otel-langfuse] WARN: LANGFUSE_LOG_LEVEL=${JSON.stringify(invalid)} is not one of debug, info, warn, error, none; using warn`);
  }
}

function writeStderr(line: string): void {
  try {
    process.stderr.write(`${line}\n`);
  } catch {
    // A closed stderr must not break the host app.
  }
}

/** The process's one console fallback, shared by every component, so the rate limit holds for all of them together. */
export const consoleFallback = new ConsoleFallback();
