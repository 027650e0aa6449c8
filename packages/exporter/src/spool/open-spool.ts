import type { ResolvedExporterConfig } from '../config/exporter-options.js';
import type { CircuitBreaker } from '../delivery/http/circuit-breaker.js';
import type { ComponentLogger } from '../diagnostics/component-logger.js';
import { ReplaySender } from '../replay/replay-sender.js';
import { DiskSpool } from './disk-spool.js';

/** Retries of one resend request: a failure leaves the segment for a later round, so few are needed. */
const RESEND_RETRIES = 2;

/** The exporter's spool for its config, or undefined when none is configured or the directory is unusable. */
export function openSpool(
  config: ResolvedExporterConfig,
  breaker: CircuitBreaker,
  log: ComponentLogger,
  onLegacyRefused?: (reason: string) => void,
): DiskSpool | undefined {
  if (config.spoolDir === undefined) return undefined;
  const sender = new ReplaySender(
    {
      baseUrl: config.baseUrl,
      publicKey: config.publicKey,
      secretKey: config.secretKey,
      timeoutMs: config.exportTimeoutMs,
      maxRetries: Math.min(config.maxRetries, RESEND_RETRIES),
      maxBatchBytes: config.maxBatchBytes,
      network: config.network,
      headers: config.additionalHeaders,
      // One connection: resending takes a small share of the bandwidth, new traffic keeps the rest.
      maxSockets: 1,
      // Legacy events a v4 server refuses are sent again over OTLP by the resumer.
      resendsRefusedTypes: true,
    },
    log,
  );
  const spool = DiskSpool.open({
    dir: config.spoolDir,
    maxBytes: config.spoolMaxBytes,
    maxPendingBytes: config.maxBufferedBytes,
    log,
    sender,
    // Past the cool-down the resend is the probe: with no new traffic, nothing else would find the server back.
    canSend: () => !breaker.refusesNow(),
    onAccepted: () => breaker.record('success', false),
    circuit: breaker,
    ...(onLegacyRefused && { onLegacyRefused }),
  });
  if (!spool) sender.shutdown();
  return spool;
}
