import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { Receiver } from '../src/index.js';
import { basicAuth } from './ingestion-client.js';

// Fixtures for the viewer tests: media stored through the receiver's own media API, and a real PNG to show.

/** Registers, uploads and confirms `bytes` as the client SDKs do; resolves with the media id. */
export async function storeMedia(receiver: Receiver, bytes: Buffer, contentType: string, traceId: string): Promise<string> {
  const sha256Hash = createHash('sha256').update(bytes).digest('base64');
  const headers = { authorization: basicAuth(receiver.publicKey, receiver.secretKey), 'content-type': 'application/json' };
  const registered = await fetch(`${receiver.url}/api/public/media`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ traceId, contentType, contentLength: bytes.length, sha256Hash, field: 'input' }),
  });
  const { mediaId, uploadUrl } = (await registered.json()) as { mediaId: string; uploadUrl: string | null };
  if (uploadUrl !== null) {
    const put = await fetch(uploadUrl, { method: 'PUT', body: bytes, headers: { 'content-type': contentType, 'x-amz-checksum-sha256': sha256Hash } });
    if (put.status !== 200) throw new Error(`upload failed: ${put.status}`);
    await fetch(`${receiver.url}/api/public/media/${mediaId}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ uploadedAt: new Date().toISOString(), uploadHttpStatus: 200 }),
    });
  }
  return mediaId;
}

/** The string Langfuse stores in place of the media. */
export function mediaReference(mediaId: string, contentType: string): string {
  return `@@@langfuseMedia:type=${contentType}|id=${mediaId}|source=base64_data_uri@@@`;
}

/** A valid `width`×`height` PNG of one RGB colour. */
export function solidPng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
