/**
 * What @otel-langfuse/tracing shares with the exporter beyond the public API: the component logger (OTel `diag`
 * when the host set one, else stderr by `LANGFUSE_LOG_LEVEL`), the wording of option warnings, and what the facade's
 * `LangfuseMedia` needs to write media the exporter extracts (the accepted content types, the marker), the mark a
 * flush puts on the exporter it hands batches to (`duringFlush`, `isFlushing`), and the exporter's memory cap for the
 * queue in front of it (`bufferedBytesCapOf`). Not for applications: it may change in any release.
 */
export { ComponentLogger } from './diagnostics/component-logger.js';
export type { ConsoleLogLevel, DiagnosticLevel } from './diagnostics/console-fallback.js';
export { quoteValue } from './config/quote-value.js';
export { supportedContentType } from './media/media-content-types.js';
export { BYTES_SOURCE_PARAMETER, mediaMarker } from './media/media-reference.js';
export { duringFlush, isFlushing } from './flush-scope.js';
export { bufferedBytesCapOf } from './buffer-cap.js';
