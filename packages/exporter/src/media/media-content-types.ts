/**
 * The content types Langfuse's media API accepts (`MediaContentType` in its public API definition). Media of any
 * other type is left where it is.
 */
const SUPPORTED: ReadonlySet<string> = new Set([
  'image/png', 'image/jpeg', 'image/jpg', 'image/webp', 'image/gif', 'image/svg+xml', 'image/tiff', 'image/bmp',
  'image/avif', 'image/heic',
  'audio/mpeg', 'audio/mp3', 'audio/wav', 'audio/ogg', 'audio/oga', 'audio/aac', 'audio/mp4', 'audio/flac',
  'audio/opus', 'audio/webm',
  'video/mp4', 'video/webm', 'video/ogg', 'video/mpeg', 'video/quicktime', 'video/x-msvideo', 'video/x-matroska',
  'text/plain', 'text/html', 'text/css', 'text/csv', 'text/markdown', 'text/x-python', 'application/javascript',
  'text/x-typescript', 'application/x-yaml',
  'application/pdf', 'application/msword', 'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/zip', 'application/json',
  'application/xml', 'application/octet-stream',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/rtf', 'application/x-ndjson', 'application/vnd.apache.parquet', 'application/gzip', 'application/x-tar',
  'application/x-7z-compressed',
]);

/** The lower-cased type when Langfuse accepts it, else undefined. */
export function supportedContentType(contentType: string): string | undefined {
  const normalized = contentType.trim().toLowerCase();
  return SUPPORTED.has(normalized) ? normalized : undefined;
}

/** OpenAI's audio `format` values (input_audio and audio output) as content types. */
const AUDIO_FORMATS: Readonly<Record<string, string>> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  opus: 'audio/opus',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
  pcm16: 'audio/wav',
};

export function audioFormatContentType(format: unknown): string | undefined {
  return typeof format === 'string' ? AUDIO_FORMATS[format.toLowerCase()] : undefined;
}

/** The audio type told by the first bytes (for an OpenAI audio output, which names no format), else undefined. */
export function sniffAudioType(bytes: Buffer): string | undefined {
  const ascii = bytes.subarray(0, 12).toString('latin1');
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WAVE') return 'audio/wav';
  if (ascii.startsWith('ID3') || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)) return 'audio/mpeg';
  if (ascii.startsWith('OggS')) return 'audio/ogg';
  if (ascii.startsWith('fLaC')) return 'audio/flac';
  return undefined;
}
