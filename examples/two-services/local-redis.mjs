// A throwaway Redis for the demo's job queue: Debian's redis-server on a free 127.0.0.1 port, nothing saved to disk.
// Resolves `{ off: reason }` (the demo then skips the queue) when redis-server is not installed or does not answer.
import { spawn, spawnSync } from 'node:child_process';
import { connect, createServer } from 'node:net';

const READY_WITHIN_MS = 5_000;

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether Redis answers PING on `port`. */
function pong(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1_000, () => socket.destroy());
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => {
      resolve(chunk.toString().startsWith('+PONG'));
      socket.destroy();
    });
  });
}

/** The last line a stream printed (kept short), read as it goes so the pipe never fills. */
function lastLine(stream) {
  let last = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = chunk.split('\n').map((line) => line.trim()).filter(Boolean);
    if (lines.length > 0) last = lines.at(-1).slice(0, 200);
  });
  return () => last;
}

/**
 * `{ port, pid, stop() }` of a redis-server started for this run, or `{ off: why not }`. `stop()` kills it and
 * resolves once it has exited; the caller calls it on every way out (the demo: finally and its signal handlers).
 */
export async function startLocalRedis() {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) return { off: 'redis-server is not installed' };
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.once('error', () => undefined);
  const stderr = lastLine(child.stderr);
  const exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  let ended;
  void exited.then((how) => (ended = how));
  const deadline = Date.now() + READY_WITHIN_MS;
  while (!(await pong(port))) {
    if (ended !== undefined) {
      const how = ended.signal ? `signal ${ended.signal}` : `code ${ended.code}`;
      return { off: `redis-server exited at once (${how})${stderr() ? `: ${stderr()}` : ''}` };
    }
    if (Date.now() > deadline) {
      await stop();
      return { off: `redis-server did not answer on 127.0.0.1:${port} within ${READY_WITHIN_MS / 1000} s` };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, pid: child.pid, stop };
}
