import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseDeadLetterLine, type DeadLetterRecord } from '../losses/dead-letter-record.js';

export interface ReadProblem {
  line: number;
  problem: string;
}

/**
 * The records of a dead-letter file, in order, streamed (the file is never read whole). Blank lines are skipped;
 * a line that is not a record is reported to `onInvalid` and skipped.
 */
export async function* readDeadLetterFile(path: string, onInvalid: (problem: ReadProblem) => void): AsyncGenerator<DeadLetterRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  for await (const line of lines) {
    number++;
    if (line.trim() === '') continue;
    const record = parseDeadLetterLine(line);
    if ('invalid' in record) onInvalid({ line: number, problem: record.invalid });
    else yield record;
  }
}
