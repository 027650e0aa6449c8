#!/usr/bin/env node
// `npx @otel-langfuse/exporter <command>`: npx runs the bin named after the package.
import { diag, DiagLogLevel } from '@opentelemetry/api';

const [command, ...rest] = process.argv.slice(2);
const io = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
};
const toStderr = (message, ...args) => process.stderr.write(`${[message, ...args].join(' ')}\n`);

if (command === 'doctor') {
  // The doctor reports every problem itself: the test exporter's own diagnostics would only repeat them.
  const quiet = () => {};
  diag.setLogger({ error: quiet, warn: quiet, info: quiet, debug: quiet, verbose: quiet }, DiagLogLevel.NONE);
  const { runDoctorCli } = await import('../dist/doctor/doctor-cli.js');
  process.exitCode = await runDoctorCli(rest, io);
} else if (command === 'replay') {
  diag.setLogger({ error: toStderr, warn: toStderr, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  const { runReplayCli } = await import('../dist/replay/replay-cli.js');
  process.exitCode = await runReplayCli(rest, io);
} else {
  const help = 'Usage: npx @otel-langfuse/exporter <command> [options]\n\nCommands:\n  doctor   Check why traces might not show up in Langfuse (doctor --help)\n  replay   Send a dead-letter file or a spool directory again (replay --help)';
  if (command === undefined || command === '--help' || command === '-h') io.stdout(help);
  else io.stderr(`unknown command (not echoed: it could be a key)\n\n${help}`);
  process.exitCode = command === undefined || command === '--help' || command === '-h' ? 0 : 2;
}
