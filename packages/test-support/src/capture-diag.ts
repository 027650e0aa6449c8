import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';

export interface CapturedDiag {
  readonly lines: { level: string; message: string }[];
  /** Every captured line joined, for substring checks (e.g. that a secret never appears). */
  text(): string;
  restore(): void;
}

/** Installs a diag logger that records every line at every level. */
export function captureDiag(): CapturedDiag {
  const lines: { level: string; message: string }[] = [];
  const record =
    (level: string) =>
    (message: string, ...args: unknown[]) =>
      lines.push({ level, message: [message, ...args.map((a) => (a instanceof Error ? a.message : String(a)))].join(' ') });
  const logger: DiagLogger = {
    error: record('error'),
    warn: record('warn'),
    info: record('info'),
    debug: record('debug'),
    verbose: record('verbose'),
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  return {
    lines,
    text: () => lines.map((l) => `${l.level}: ${l.message}`).join('\n'),
    restore: () => diag.disable(),
  };
}
