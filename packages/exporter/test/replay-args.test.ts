import { describe, expect, it } from 'vitest';
import { parseReplayArgs, ReplayUsageError } from '../src/replay/replay-args.js';

describe('replay flags', () => {
  it('reads flags, falling back to the environment for the URL and keys', () => {
    const env = { LANGFUSE_HOST: 'http://127.0.0.1:3000', LANGFUSE_PUBLIC_KEY: 'pk', LANGFUSE_SECRET_KEY: 'sk' };
    expect(parseReplayArgs(['--file', 'dead.jsonl'], env)).toEqual({
      kind: 'replay',
      file: 'dead.jsonl',
      baseUrl: 'http://127.0.0.1:3000',
      publicKey: 'pk',
      secretKey: 'sk',
      dryRun: false,
      timeoutMs: 60_000,
      maxRetries: 5,
      json: false,
    });
    const flags = parseReplayArgs(['--file=f', '--base-url', 'https://x.test', '--public-key', 'pk2', '--dry-run', '--timeout-ms', '500', '--max-retries', '0', '--json'], env);
    expect(flags).toMatchObject({ baseUrl: 'https://x.test', publicKey: 'pk2', secretKey: 'sk', dryRun: true, timeoutMs: 500, maxRetries: 0, json: true });
    expect(parseReplayArgs(['--help', '--bogus-is-not-reached'].slice(0, 1), {})).toEqual({ kind: 'help' });
  });

  it.each([
    [['--file'], /argument missing/],
    [[], /--file is required/],
    [['--file', 'f', '--timeout-ms', '1.5'], /--timeout-ms must be an integer/],
    [['--file', 'f', '--max-retries', '1000'], /--max-retries must be an integer in 0..100/],
    [['--file', 'f', '--what'], /Unknown option/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseReplayArgs(argv, {})).toThrow(ReplayUsageError);
    expect(() => parseReplayArgs(argv, {})).toThrow(message);
  });

  it('never echoes a stray positional argument (a key typed without its flag)', () => {
    let message = '';
    try {
      parseReplayArgs(['--file', 'f', 'sk-lf-oops-secret'], {});
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/Unexpected argument/);
    expect(message).not.toContain('sk-lf-oops-secret');
  });
});
