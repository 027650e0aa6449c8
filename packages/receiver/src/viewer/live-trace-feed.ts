import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TraceRow } from '../traces/trace-row.js';

const FLUSH_DELAY_MS = 100;
const HEARTBEAT_MS = 15_000;
// A browser tab that stops reading (suspended, debugger paused) is dropped rather than buffered without bound;
// EventSource reconnects on its own and the page re-reads the list.
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * Server-sent events for the viewer: `event: trace` with a trace's list row each time events of that trace arrive
 * (changes within 100 ms are sent once), `event: reset` when the receiver is reset.
 */
export class LiveTraceFeed {
  private readonly clients = new Set<ServerResponse>();
  private pending = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly rowOf: (traceId: string) => TraceRow | undefined) {}

  subscribe(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.write('retry: 2000\n: connected\n\n');
    this.clients.add(res);
    const drop = (): void => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopHeartbeat();
    };
    req.on('close', drop);
    res.on('close', drop);
    this.heartbeat ??= setInterval(() => this.send(': heartbeat\n\n'), HEARTBEAT_MS).unref();
  }

  traceChanged(traceId: string): void {
    this.pending.add(traceId);
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS).unref();
  }

  reset(): void {
    this.pending.clear();
    this.send('event: reset\ndata: {}\n\n');
  }

  close(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.stopHeartbeat();
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private flush(): void {
    this.flushTimer = undefined;
    const traceIds = this.pending;
    this.pending = new Set();
    if (this.clients.size === 0) return;
    for (const traceId of traceIds) {
      const row = this.rowOf(traceId);
      if (row) this.send(`event: trace\ndata: ${JSON.stringify(row)}\n\n`);
    }
  }

  private send(chunk: string): void {
    for (const client of this.clients) {
      if (client.writableLength > MAX_BUFFERED_BYTES) client.destroy();
      else client.write(chunk);
    }
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
