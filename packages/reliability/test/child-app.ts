import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, TRACING_DIST } from './harness.js';

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** JSON messages the child printed with `report(...)`. */
  messages: Record<string, unknown>[];
  /** From spawn to exit. */
  elapsedMs: number;
  /** When the child printed each message, ms after spawn. */
  times: number[];
}

/**
 * Runs `body` as an ES module in a fresh `node` (a real app process importing the built `@otel-langfuse/tracing`
 * as `tracing`, and `@opentelemetry/api` as `api`). `report(value)` sends a JSON message to the test; lines the
 * test writes arrive through `nextCommand()`. The process must exit by itself: it is killed after `killAfterMs`.
 */
export function runChild(
  body: string,
  options: { env?: Record<string, string>; execArgv?: string[]; killAfterMs?: number; onMessage?: (message: Record<string, unknown>, child: ChildProcess) => void } = {},
): Promise<ChildResult> {
  const script = `
const tracing = await import(${JSON.stringify(pathToFileURL(TRACING_DIST).href)});
const api = await import('@opentelemetry/api');
const report = (value) => process.stdout.write('@@' + JSON.stringify(value) + '\\n');
const commands = [];
let waiting;
process.stdin.setEncoding('utf8');
let buffered = '';
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  let i;
  while ((i = buffered.indexOf('\\n')) >= 0) {
    const line = buffered.slice(0, i);
    buffered = buffered.slice(i + 1);
    if (waiting) { const w = waiting; waiting = undefined; w(line); } else commands.push(line);
  }
});
const nextCommand = () => {
  process.stdin.ref();
  return (commands.length > 0 ? Promise.resolve(commands.shift()) : new Promise((resolve) => { waiting = resolve; })).finally(() => process.stdin.unref());
};
process.stdin.unref();
${body}
`;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(options.execArgv ?? []), '--input-type=module', '-e', script], {
      cwd: join(REPO, 'packages/tracing'),
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const messages: Record<string, unknown>[] = [];
    const times: number[] = [];
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      let i;
      while ((i = stdout.indexOf('\n')) >= 0) {
        const line = stdout.slice(0, i);
        stdout = stdout.slice(i + 1);
        if (!line.startsWith('@@')) continue;
        const message = JSON.parse(line.slice(2)) as Record<string, unknown>;
        messages.push(message);
        times.push(Date.now() - started);
        options.onMessage?.(message, child);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdin.on('error', () => {
      // the child may exit before reading what the test wrote
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stderr, messages, elapsedMs: Date.now() - started, times });
    });
  });
}

/** Sends a command line to a child started by `runChild`. */
export function tell(child: ChildProcess, command: string): void {
  child.stdin?.write(`${command}\n`);
}
