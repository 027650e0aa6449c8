import { runCli } from './cli-main.js';

const controller = new AbortController();
let signals = 0;
const onSignal = (): void => {
  signals++;
  // A second Ctrl-C means "stop now", even if closing is stuck.
  if (signals > 1) process.exit(130);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  signal: controller.signal,
  isTTY: process.stdout.isTTY === true,
  get columns() {
    return process.stdout.columns;
  },
  env: process.env,
});
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
