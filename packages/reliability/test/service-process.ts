import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** How a service process ended, with all it printed. */
export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A service (caller, callee, producer, worker) running as a real process. */
export interface ServiceProcess {
  child: ChildProcess;
  /** Its first stdout line (e.g. the URL it listens on, or "ready"); rejects if it exits before printing one. */
  firstLine: Promise<string>;
  finished: Promise<Finished>;
}

/** Processes started by `startService`, killed by `killServices` (after each test). */
const running: ChildProcess[] = [];

/** Runs `script` (a file in `dir`) with `node`, the test's environment plus `env`. */
export function startService(dir: string, script: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [join(dir, script)], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let stdout = '';
  let stderr = '';
  let onLine: (line: string) => void = () => undefined;
  const firstLine = new Promise<string>((resolve, reject) => {
    onLine = resolve;
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before printing a line: ${stderr.slice(0, 2000)}`)));
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const newline = stdout.indexOf('\n');
    if (newline >= 0) onLine(stdout.slice(0, newline));
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<Finished>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, firstLine, finished };
}

/** Kills every service process still running. */
export function killServices(): void {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
}
