import { diag, type DiagLogger } from '@opentelemetry/api';
import { consoleFallback, hostDiagLoggerIsSet, type DiagnosticLevel } from './console-fallback.js';

/**
 * Our components' logger: OTel `diag` with a component namespace when the host app set a `diag` logger (the host
 * decides what is printed); otherwise stderr, filtered by `LANGFUSE_LOG_LEVEL`/`LANGFUSE_DEBUG` and rate-limited.
 * One-time messages are keyed by a code, and every line is scrubbed of the secret key last.
 */
export class ComponentLogger {
  private readonly logger: DiagLogger;
  private readonly said = new Set<string>();
  private readonly secrets: string[];

  constructor(
    private readonly namespace: string,
    secrets: readonly (string | undefined)[] = [],
  ) {
    this.logger = diag.createComponentLogger({ namespace });
    this.secrets = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  }

  error(message: string): void {
    this.emit('error', message);
  }
  warn(message: string): void {
    this.emit('warn', message);
  }
  info(message: string): void {
    this.emit('info', message);
  }
  debug(message: string): void {
    this.emit('debug', message);
  }

  /** Logs `message` the first time `code` is seen; returns whether it logged. The set of codes is small and fixed. */
  once(level: DiagnosticLevel, code: string, message: string): boolean {
    if (this.said.has(code)) return false;
    this.said.add(code);
    this[level](message);
    return true;
  }

  scrub(message: string): string {
    let out = message;
    for (const secret of this.secrets) out = out.split(secret).join('[redacted]');
    return out;
  }

  private emit(level: DiagnosticLevel, message: string): void {
    const text = this.scrub(message);
    if (hostDiagLoggerIsSet()) this.logger[level](text);
    else consoleFallback.log(this.namespace, level, text);
  }
}
