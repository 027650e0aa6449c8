import { crc32 } from 'node:zlib';

/**
 * One record of a spool segment: `<crc32 of the JSON, 8 hex> <JSON>\n`. The JSON is a dead-letter record (the same
 * shape and scrubbing, see losses/dead-letter-record.ts) and never holds a raw newline, so a line is a record. A line
 * whose checksum does not match (a torn write, a crash mid-append, a flipped bit) is corrupt and skipped alone.
 */
export function frameRecord(json: string): string {
  return `${checksum(json)} ${json}\n`;
}

function checksum(json: string): string {
  return crc32(json).toString(16).padStart(8, '0');
}

/** The JSON of a framed line (without its newline), or undefined when the line is corrupt or truncated. */
export function unframeRecord(line: string): string | undefined {
  if (line.length < 10 || line[8] !== ' ') return undefined;
  const json = line.slice(9);
  return checksum(json) === line.slice(0, 8) ? json : undefined;
}

/** The records of a segment's text, in order, and how many lines were corrupt (a last line without newline included). */
export function splitSegment(text: string): { records: string[]; corrupt: number } {
  const records: string[] = [];
  let corrupt = 0;
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    if (end < 0) {
      corrupt++;
      break;
    }
    const line = text.slice(start, end);
    start = end + 1;
    if (line === '') continue;
    const json = unframeRecord(line);
    if (json === undefined) corrupt++;
    else records.push(json);
  }
  return { records, corrupt };
}
