/**
 * What @otel-langfuse/tracing shares with the exporter beyond the public API: the component logger (OTel `diag`
 * when the host set one, else stderr by `LANGFUSE_LOG_LEVEL`) and the wording of option warnings. Not for
 * applications: it may change in any release.
 */
export { ComponentLogger } from './diagnostics/component-logger.js';
export type { ConsoleLogLevel, DiagnosticLevel } from './diagnostics/console-fallback.js';
export { quoteValue } from './config/quote-value.js';
