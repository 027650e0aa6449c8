import type { AttributeValue, Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ComponentLogger } from '../diagnostics/component-logger.js';
import type { StatsRecorder } from '../diagnostics/exporter-stats.js';
import type { DeliveryWork } from '../delivery/http/delivery-work.js';
import type { Reservation } from '../delivery/memory-budget.js';
import { fieldOf } from '../delivery/otlp/masked-span.js';
import type { SerializedEvent } from '../events/serialized-event.js';
import { NOT_JSON, tryParseJson } from '../mapping/json-attribute.js';
import type { IngestionEvent } from '../wire/ingestion-event.js';
import { extractMedia, type ExtractedMedia, type SkippedMedia } from './extract-media.js';
import { mediaMarker, mediaReference, resolvePlaceholders, resolvePlaceholdersDeep } from './media-reference.js';
import type { MediaTarget, MediaUploader, UploadOutcome } from './media-uploader.js';

export interface MediaJob {
  target: MediaTarget;
  media: ExtractedMedia;
}

export interface MediaStageParts {
  maxMediaBytes: number;
  uploader: MediaUploader;
  stats: StatsRecorder;
  log: ComponentLogger;
}

const FIELDS = ['input', 'output', 'metadata'] as const;

/** How long a server without the media API (404/405) is not asked again: it may be upgraded meanwhile. */
const NO_MEDIA_API_MEMO_MS = 5 * 60_000;

/** Cheap test before parsing an attribute: could it hold media at all? */
const MAY_HOLD_MEDIA = /data:|input_audio|"audio"|"file"|"image"|"blob"/;

/**
 * Media in what the exporter sends, uploaded to Langfuse and replaced by its reference, on both paths:
 * - legacy: `extractFromEvent` while events are prepared (after mapping, so after the mask) puts placeholders in
 *   place of the media; `resolveEvents`, once the export holds its memory reservation, uploads and writes each
 *   placeholder's final text into the serialized event;
 * - OTLP: `resolveSpans` does both on the masked span view's input/output/metadata attributes.
 * A span goes out only once its media is settled: the reference when the bytes are stored, else a marker that says
 * why, so a trace never points at media that was never uploaded. Never throws.
 */
export class MediaStage {
  private readonly jobsOf = new WeakMap<SerializedEvent, MediaJob[]>();
  /** Uploads running now, by content hash (removed when they end). */
  private readonly uploadsByHash = new Map<string, Promise<UploadOutcome>>();
  /** Until then, media is not offered to a server that said it has no media API. */
  private noMediaApiUntil = 0;

  constructor(private readonly parts: MediaStageParts) {}

  /** The event with its media replaced by placeholders, and the uploads that will decide their final text. */
  extractFromEvent<E extends IngestionEvent>(event: E): { event: E; jobs: MediaJob[] } {
    const body = event.body as unknown as Record<string, unknown>;
    const traceId = event.type === 'trace-create' ? event.body.id : event.body.traceId;
    const observationId = event.type === 'trace-create' ? undefined : event.body.id;
    const jobs: MediaJob[] = [];
    let rewritten: Record<string, unknown> | undefined;
    for (const field of FIELDS) {
      const value = body[field];
      if (value === undefined || value === null) continue;
      const extraction = extractMedia(value, { maxMediaBytes: this.parts.maxMediaBytes });
      this.countSkipped(extraction.skipped);
      if (extraction.value === value) continue;
      (rewritten ??= { ...body })[field] = extraction.value;
      for (const media of extraction.media) jobs.push({ target: { traceId, observationId, field }, media });
    }
    return { event: rewritten ? ({ ...event, body: rewritten } as E) : event, jobs };
  }

  /** Ties a serialized event to its uploads, for `resolveEvents`. */
  remember(serialized: SerializedEvent, jobs: readonly MediaJob[]): void {
    if (jobs.length > 0) this.jobsOf.set(serialized, [...jobs]);
  }

  /** The events with every placeholder replaced by its reference or marker (uploads done, by `deadline`). */
  async resolveEvents(events: SerializedEvent[], deadline: number, reservation: Reservation, work?: DeliveryWork): Promise<SerializedEvent[]> {
    if (!events.some((event) => this.jobsOf.has(event))) return events;
    return Promise.all(
      events.map(async (serialized) => {
        const jobs = this.jobsOf.get(serialized);
        if (!jobs) return serialized;
        this.jobsOf.delete(serialized);
        const finals = await this.settle(jobs, deadline, reservation, work);
        const json = resolvePlaceholders(serialized.json, finals);
        const event = { ...serialized.event, body: resolvePlaceholdersDeep(serialized.event.body, finals) } as SerializedEvent['event'];
        const resolved: SerializedEvent = { event, json, bytes: Buffer.byteLength(json), spanId: serialized.spanId };
        return serialized.fingerprint === undefined ? resolved : { ...resolved, fingerprint: serialized.fingerprint };
      }),
    );
  }

  /** The spans (as the OTLP path sends them) with the media in their input/output/metadata attributes uploaded and replaced. */
  async resolveSpans(spans: ReadableSpan[], deadline: number, reservation: Reservation, work?: DeliveryWork): Promise<ReadableSpan[]> {
    return Promise.all(spans.map((span) => this.resolveSpan(span, deadline, reservation, work)));
  }

  private async resolveSpan(span: ReadableSpan, deadline: number, reservation: Reservation, work?: DeliveryWork): Promise<ReadableSpan> {
    const { traceId, spanId } = span.spanContext();
    const rewritten = new Map<string, string>();
    const jobs: MediaJob[] = [];
    for (const [key, value] of Object.entries(span.attributes ?? {})) {
      const field = fieldOf(key);
      if (field === undefined || typeof value !== 'string' || !MAY_HOLD_MEDIA.test(value)) continue;
      const parsed = tryParseJson(value);
      const extraction = extractMedia(parsed === NOT_JSON ? value : parsed, { maxMediaBytes: this.parts.maxMediaBytes });
      this.countSkipped(extraction.skipped);
      if (extraction.value === (parsed === NOT_JSON ? value : parsed)) continue;
      rewritten.set(key, typeof extraction.value === 'string' && parsed === NOT_JSON ? extraction.value : JSON.stringify(extraction.value));
      const observationId = key.startsWith('langfuse.trace.') ? undefined : spanId;
      for (const media of extraction.media) jobs.push({ target: { traceId, observationId, field }, media });
    }
    if (rewritten.size === 0) return span;
    const finals = await this.settle(jobs, deadline, reservation, work);
    const attributes: Attributes = { ...span.attributes };
    for (const [key, text] of rewritten) attributes[key] = resolvePlaceholders(text, finals) as AttributeValue;
    return Object.create(span, { attributes: { value: attributes, enumerable: true } }) as ReadableSpan;
  }

  /** Each job's placeholder → its final text. The same bytes for the same target are uploaded once. */
  private async settle(jobs: readonly MediaJob[], deadline: number, reservation: Reservation, work?: DeliveryWork): Promise<Map<string, string>> {
    const finals = new Map<string, string>();
    const uploads = new Map<string, Promise<string>>();
    await Promise.all(
      jobs.map(async ({ target, media }) => {
        const key = `${target.traceId}|${target.observationId ?? ''}|${target.field}|${media.sha256}`;
        let upload = uploads.get(key);
        if (!upload) {
          upload = this.uploadOne(media, target, deadline, reservation, work);
          uploads.set(key, upload);
        }
        finals.set(media.placeholder, await upload);
      }),
    );
    return finals;
  }

  private async uploadOne(media: ExtractedMedia, target: MediaTarget, deadline: number, reservation: Reservation, work?: DeliveryWork): Promise<string> {
    const { stats, log, uploader } = this.parts;
    // The bytes are held until the export ends: they count against maxBufferedBytes like the events do.
    if (!reservation.take(media.bytes.length)) {
      return this.failed(media, { kind: 'failed', reason: 'memory-cap', detail: 'maxBufferedBytes is held by delivery' });
    }
    // The same bytes going up now (another span of this export or of one in flight): wait for that upload, so the
    // server answers "already stored" instead of taking the bytes twice.
    if (Date.now() < this.noMediaApiUntil) {
      return this.failed(media, { kind: 'failed', reason: 'no-media-api', detail: 'the server has no media API (it answered 404 or 405 earlier)' });
    }
    const earlier = this.uploadsByHash.get(media.sha256);
    if (earlier) await earlier;
    const upload = uploader.upload(media, target, deadline, work);
    this.uploadsByHash.set(media.sha256, upload);
    const outcome = await upload;
    if (this.uploadsByHash.get(media.sha256) === upload) this.uploadsByHash.delete(media.sha256);
    if (outcome.kind === 'failed' && outcome.reason === 'no-media-api') this.noMediaApiUntil = Date.now() + NO_MEDIA_API_MEMO_MS;
    switch (outcome.kind) {
      case 'uploaded':
        stats.add('mediaUploaded');
        stats.add('mediaBytes', media.bytes.length);
        return mediaReference(media.contentType, outcome.mediaId, media.source);
      case 'uploaded-unconfirmed':
        stats.add('mediaUploaded');
        stats.add('mediaBytes', media.bytes.length);
        stats.mediaFailure(outcome.reason);
        log.once('warn', `media-${outcome.reason}`, `media was uploaded but telling the server so failed (${outcome.reason}); the reference is kept`);
        return mediaReference(media.contentType, outcome.mediaId, media.source);
      case 'deduplicated':
        stats.add('mediaDeduplicated');
        return mediaReference(media.contentType, outcome.mediaId, media.source);
      case 'failed':
        return this.failed(media, outcome);
    }
  }

  private failed(media: ExtractedMedia, outcome: Extract<UploadOutcome, { kind: 'failed' }>): string {
    this.parts.stats.mediaFailure(outcome.reason);
    this.parts.log.once('warn', `media-${outcome.reason}`, `media upload failed (${outcome.reason}: ${outcome.detail}); the media is replaced by a marker, the span is still sent`);
    return mediaMarker(media.contentType, media.bytes.length, `upload failed (${outcome.reason})`);
  }

  private countSkipped(skipped: readonly SkippedMedia[]): void {
    for (const item of skipped) {
      this.parts.stats.mediaFailure(item.reason);
      if (item.reason === 'truncated') {
        this.parts.log.once('warn', 'media-truncated', `media was cut short before export (a value over the tracing facade's size cap); replaced by a marker, not uploaded`);
      }
      if (item.reason === 'too-large') {
        this.parts.log.once('warn', 'media-too-large', `media of ${item.bytes} bytes is over maxMediaBytes (${this.parts.maxMediaBytes}); replaced by a marker, not uploaded`);
      }
    }
  }
}
