#!/usr/bin/env node
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { runReplayCli } from '../dist/replay/replay-cli.js';

// The exporter's delivery reports problems through OTel diag: show warnings and errors on stderr.
const toStderr = (message, ...args) => process.stderr.write(`${[message, ...args].join(' ')}\n`);
diag.setLogger({ error: toStderr, warn: toStderr, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);

process.exitCode = await runReplayCli(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
});
