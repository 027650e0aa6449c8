import { randomBytes } from 'node:crypto';

/** One media record, as the receiver holds it. */
export interface StoredMedia {
  mediaId: string;
  contentType: string;
  contentLength: number;
  /** SHA-256 of the bytes, base64. */
  sha256Hash: string;
  /** The trace, observation and field each POST linked it to. */
  links: { traceId: string; observationId?: string; field: string }[];
  /** Set by a PUT whose bytes matched; undefined until then. */
  bytes?: Buffer;
  /** From the client's PATCH. */
  uploadedAt?: string;
  uploadHttpStatus?: number;
  uploadHttpError?: string | null;
  uploadTimeMs?: number | null;
}

interface Entry extends StoredMedia {
  /** The secret part of this record's upload URL (a presigned URL's signature, in effect). */
  uploadToken: string;
  /** The secret part of this record's download URL: the id alone (a prefix of the content hash) opens nothing. */
  downloadToken: string;
}

/**
 * Media records in memory, one per content hash (the server dedups by hash within a project), their bytes held up
 * to `maxStoredBytes` in all.
 */
export class MediaStore {
  private readonly byId = new Map<string, Entry>();
  private readonly idByHash = new Map<string, string>();
  private storedBytes = 0;

  constructor(readonly maxStoredBytes: number) {}

  /** The record for these bytes (made if new), with the link added. */
  register(meta: { contentType: string; contentLength: number; sha256Hash: string }, link: StoredMedia['links'][number]): Entry {
    const known = this.idByHash.get(meta.sha256Hash);
    let entry = known === undefined ? undefined : this.byId.get(known);
    if (!entry) {
      // As the server (and Langfuse's SDKs, which check it): the first 22 characters of the hash, URL-safe.
      const mediaId = meta.sha256Hash.replace(/\+/g, '-').replace(/\//g, '_').slice(0, 22);
      entry = { mediaId, ...meta, links: [], uploadToken: randomBytes(16).toString('hex'), downloadToken: randomBytes(16).toString('hex') };
      this.byId.set(mediaId, entry);
      this.idByHash.set(meta.sha256Hash, mediaId);
    }
    entry.links.push(link);
    return entry;
  }

  get(mediaId: string): Entry | undefined {
    return this.byId.get(mediaId);
  }

  /** Stores the bytes; false when they would pass `maxStoredBytes`. */
  storeBytes(entry: Entry, bytes: Buffer): boolean {
    if (entry.bytes) return true;
    if (this.storedBytes + bytes.length > this.maxStoredBytes) return false;
    entry.bytes = bytes;
    this.storedBytes += bytes.length;
    return true;
  }

  all(): StoredMedia[] {
    return [...this.byId.values()].map(({ uploadToken: _upload, downloadToken: _download, ...media }) => ({ ...media, links: [...media.links] }));
  }

  clear(): void {
    this.byId.clear();
    this.idByHash.clear();
    this.storedBytes = 0;
  }
}

/** The most media bytes a receiver holds in memory, all records together. */
export const DEFAULT_MEDIA_STORE_BYTES = 256 * 1024 * 1024;
