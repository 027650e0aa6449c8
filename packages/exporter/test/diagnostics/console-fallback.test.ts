import { diag, DiagLogLevel } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CONSOLE_LINES_PER_WINDOW,
  CONSOLE_WINDOW_MS,
  ConsoleFallback,
  consoleLogLevel,
  hostDiagLoggerIsSet,
} from '../../src/diagnostics/console-fallback.js';

function fallbackWith(env: Record<string, string | undefined> = {}) {
  const lines: string[] = [];
  let now = 1_000_000;
  const fallback = new ConsoleFallback((line) => lines.push(line), () => now, () => env);
  return { fallback, lines, advance: (ms: number) => (now += ms) };
}

describe('console level from the environment (as Langfuse JS SDK reads it)', () => {
  it.each([
    [{}, 'warn'],
    [{ LANGFUSE_LOG_LEVEL: 'debug' }, 'debug'],
    [{ LANGFUSE_LOG_LEVEL: 'INFO' }, 'info'],
    [{ LANGFUSE_LOG_LEVEL: ' error ' }, 'error'],
    [{ LANGFUSE_LOG_LEVEL: 'none' }, 'none'],
    [{ LANGFUSE_LOG_LEVEL: 'loud' }, 'warn'],
    [{ LANGFUSE_DEBUG: 'true' }, 'debug'],
    [{ LANGFUSE_DEBUG: 'TRUE', LANGFUSE_LOG_LEVEL: 'none' }, 'debug'],
    [{ LANGFUSE_DEBUG: 'false', LANGFUSE_LOG_LEVEL: 'error' }, 'error'],
  ] as const)('%j → %s', (env, level) => {
    expect(consoleLogLevel(env)).toBe(level);
  });
});

describe('ConsoleFallback', () => {
  it('prints warnings and errors by default, not info or debug', () => {
    const { fallback, lines } = fallbackWith();
    fallback.log('ns', 'debug', 'd');
    fallback.log('ns', 'info', 'i');
    fallback.log('ns', 'warn', 'w');
    fallback.log('ns', 'error', 'e');
    expect(lines).toEqual(['[ns] WARN: w', '[ns] ERROR: e']);
  });

  it('prints nothing at LANGFUSE_LOG_LEVEL=none', () => {
    const { fallback, lines } = fallbackWith({ LANGFUSE_LOG_LEVEL: 'none' });
    fallback.log('ns', 'error', 'e');
    expect(lines).toEqual([]);
  });

  it('prints a message once, however often it is logged', () => {
    const { fallback, lines, advance } = fallbackWith();
    for (let i = 0; i < 10; i++) {
      fallback.log('ns', 'warn', 'same cause');
      advance(CONSOLE_WINDOW_MS);
    }
    expect(lines).toEqual(['[ns] WARN: same cause']);
  });

  it(`prints at most ${CONSOLE_LINES_PER_WINDOW} lines a minute, then says how many were held back`, () => {
    const { fallback, lines, advance } = fallbackWith();
    for (let i = 0; i < 20; i++) fallback.log('ns', 'warn', `cause ${i}`);
    expect(lines).toHaveLength(CONSOLE_LINES_PER_WINDOW);
    advance(CONSOLE_WINDOW_MS - 1);
    fallback.log('ns', 'warn', 'still inside the minute');
    expect(lines).toHaveLength(CONSOLE_LINES_PER_WINDOW);
    advance(1);
    fallback.log('ns', 'error', 'next minute');
    expect(lines).toHaveLength(CONSOLE_LINES_PER_WINDOW + 1);
    expect(lines.at(-1)).toBe(
      `[ns] ERROR: next minute (${20 - CONSOLE_LINES_PER_WINDOW + 1} earlier Langfuse diagnostics were held back by the rate limit; LANGFUSE_LOG_LEVEL=debug shows all)`,
    );
  });

  it('prints every line at debug level (LANGFUSE_DEBUG=true)', () => {
    const { fallback, lines } = fallbackWith({ LANGFUSE_DEBUG: 'true' });
    for (let i = 0; i < 20; i++) fallback.log('ns', 'debug', 'again');
    expect(lines).toHaveLength(20);
  });

  it('says once that an unknown LANGFUSE_LOG_LEVEL was replaced by warn', () => {
    const { fallback, lines } = fallbackWith({ LANGFUSE_LOG_LEVEL: 'loud' });
    fallback.log('ns', 'info', 'i');
    fallback.log('ns', 'warn', 'w');
    expect(lines).toEqual(['[otel-langfuse] WARN: LANGFUSE_LOG_LEVEL="loud" is not one of debug, info, warn, error, none; using warn', '[ns] WARN: w']);
  });
});

describe('hostDiagLoggerIsSet', () => {
  afterEach(() => diag.disable());

  it('follows diag.setLogger() and diag.disable()', () => {
    diag.disable();
    expect(hostDiagLoggerIsSet()).toBe(false);
    const noop = () => undefined;
    diag.setLogger({ error: noop, warn: noop, info: noop, debug: noop, verbose: noop }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    expect(hostDiagLoggerIsSet()).toBe(true);
    diag.disable();
    expect(hostDiagLoggerIsSet()).toBe(false);
  });
});
