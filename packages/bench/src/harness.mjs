// Parent-side helpers: child processes, the receiver's span counter, statistics and table formatting.
import { fork } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url));

/** Diagnostics children printed on stderr, deduplicated, shown after the table. */
export const childDiagnostics = new Map();

/** One competitor in its own process; `run(message)` resolves with its result. */
export class Child {
  static async start(scenario, competitor, { receiverUrl, env = {}, options, execArgv = [] } = {}) {
    const proc = fork(CHILD, [scenario, competitor], {
      env: { ...process.env, RECEIVER_URL: receiverUrl ?? '', BENCH_OPTIONS: JSON.stringify(options ?? {}), ...env },
      execArgv,
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    let stderr = '';
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk) => {
      stderr += chunk;
      let nl;
      while ((nl = stderr.indexOf('\n')) >= 0) {
        const line = stderr.slice(0, nl).trim();
        stderr = stderr.slice(nl + 1);
        if (line) {
          const key = `[${competitor}] ${line.slice(0, 300)}`;
          childDiagnostics.set(key, (childDiagnostics.get(key) ?? 0) + 1);
        }
      }
    });
    const child = new Child(proc, competitor);
    await child.next('ready');
    return child;
  }

  constructor(proc, competitor) {
    this.proc = proc;
    this.competitor = competitor;
    this.waiters = [];
    this.exited = false;
    proc.on('message', (message) => this.waiters.shift()?.(message));
    proc.on('exit', (code, signal) => {
      this.exited = true;
      for (const waiter of this.waiters.splice(0)) waiter({ type: 'error', message: `child ${competitor} exited (${code ?? signal})` });
    });
  }

  next(type) {
    return new Promise((resolve, reject) => {
      this.waiters.push((message) => {
        if (message.type === type) resolve(message);
        else reject(new Error(`${this.competitor}: ${message.message ?? JSON.stringify(message)}`));
      });
    });
  }

  /** Sends a run message; resolves with the result. */
  run(message) {
    const result = this.next('result');
    this.proc.send({ type: 'run', ...message });
    return result;
  }

  async close() {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.send({ type: 'exit' });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Counts spans the receiver got: on the OTLP path the spans of each accepted request, on the legacy path the
 * observation events (a span becomes one `*-create`; `trace-create` and scores are not spans).
 */
export class SpanCounter {
  constructor() {
    this.count = 0;
    this.waiter = undefined;
  }

  onBatch = (summary) => {
    if (summary.path === 'otlp') this.count += summary.spans ?? 0;
    else {
      for (const [type, n] of Object.entries(summary.storedByType)) {
        if (type !== 'trace-create' && type !== 'score-create' && type !== 'sdk-log') this.count += n;
      }
    }
    if (this.waiter && this.count >= this.waiter.target) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve(process.hrtime.bigint());
    }
  };

  reset() {
    this.count = 0;
    this.waiter = undefined;
  }

  /** Resolves with the hrtime at which `target` spans had arrived, or undefined after `timeoutMs`. */
  waitFor(target, timeoutMs) {
    if (this.count >= target) return Promise.resolve(process.hrtime.bigint());
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.waiter = {
        target,
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
      };
    });
  }
}

/** A loopback port nothing listens on (bound, then closed). */
export async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

/** Formats a number with 3 significant digits (thousands separated). */
export function fmt(value, digits = 3) {
  if (value === undefined || value === null || Number.isNaN(value)) return 'n/a';
  if (Math.abs(value) >= 10 ** digits) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

export function range(s, unit = '', scale = 1) {
  return `${fmt(s.median / scale)}${unit} (${fmt(s.min / scale)}–${fmt(s.max / scale)})`;
}

/** A plain-text table (also valid Markdown). */
export function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
