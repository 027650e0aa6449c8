import { diag, type DiagLogger } from '@opentelemetry/api';

/**
 * The exporter's logger: OTel `diag` with a component namespace (the host app decides what is printed),
 * one-time messages keyed by a code, and a last-line scrub of the secret key.
 */
export class ComponentLogger {
  private readonly logger: DiagLogger;
  private readonly said = new Set<string>();
  private readonly secrets: string[];

  constructor(namespace: string, secrets: readonly (string | undefined)[] = []) {
    this.logger = diag.createComponentLogger({ namespace });
    this.secrets = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  }

  error(message: string): void {
    this.logger.error(this.scrub(message));
  }
  warn(message: string): void {
    this.logger.warn(this.scrub(message));
  }
  info(message: string): void {
    this.logger.info(this.scrub(message));
  }
  debug(message: string): void {
    this.logger.debug(this.scrub(message));
  }

  /** Logs `message` the first time `code` is seen; returns whether it logged. The set of codes is small and fixed. */
  once(level: 'error' | 'warn' | 'info' | 'debug', code: string, message: string): boolean {
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
}
