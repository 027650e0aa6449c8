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

/** `{ port, stop() }` of a redis-server started for this run, or `{ off: why not }`. */
export async function startLocalRedis() {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) return { off: 'redis-server is not installed' };
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  child.once('error', () => undefined);
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', stop);
  const deadline = Date.now() + READY_WITHIN_MS;
  while (!(await pong(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      stop();
      return { off: `redis-server did not answer on 127.0.0.1:${port} within ${READY_WITHIN_MS / 1000} s` };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, stop };
}
