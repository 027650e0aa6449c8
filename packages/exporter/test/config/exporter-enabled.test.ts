import { describe, expect, it } from 'vitest';
import { captureDiag } from '@otel-langfuse/test-support';
import { LangfuseSpanExporter } from '../../src/index.js';

const keys = { publicKey: 'pk-lf-1', secretKey: 'sk-lf-secret-value' };

describe('exporter enabled / disabledReason', () => {
  it('is enabled with keys and a valid URL', async () => {
    const exporter = new LangfuseSpanExporter({ ...keys, baseUrl: 'http://127.0.0.1:1' });
    expect(exporter.enabled).toBe(true);
    expect(exporter.disabledReason).toBeUndefined();
    await exporter.shutdown();
  });

  it.each([
    [{ ...keys, baseUrl: 'not a url' }, 'baseUrl is not a valid URL (got "not a url")'],
    [{ publicKey: 'pk-lf-1', secretKey: ' ' }, 'no Langfuse secret key (LANGFUSE_SECRET_KEY) configured'],
  ])('%j → disabled, saying why', async (options, reason) => {
    const saved = { ...process.env };
    delete process.env['LANGFUSE_SECRET_KEY'];
    try {
      const exporter = new LangfuseSpanExporter(options);
      expect(exporter.enabled).toBe(false);
      expect(exporter.disabledReason).toBe(reason);
      await exporter.shutdown();
    } finally {
      process.env = saved;
    }
  });

  it('never quotes the secret key in the reason', async () => {
    const exporter = new LangfuseSpanExporter({ ...keys, baseUrl: `not a url ${keys.secretKey}` });
    expect(exporter.disabledReason).toBe('baseUrl is not a valid URL (got "not a url [redacted]")');
    await exporter.shutdown();
  });

  it("warns about an environment the server would refuse, naming what is used instead", async () => {
    const logs = captureDiag();
    try {
      const invalid = new LangfuseSpanExporter({ ...keys, baseUrl: 'http://127.0.0.1:1', environment: 'Production!' });
      const changed = new LangfuseSpanExporter({ ...keys, baseUrl: 'http://127.0.0.1:1', environment: 'Staging' });
      await Promise.all([invalid.shutdown(), changed.shutdown()]);
      const warnings = logs.lines.filter((l) => l.level === 'warn').map((l) => l.message);
      expect(warnings).toEqual([
        expect.stringMatching(/environment "Production!" is invalid \(.*\); using none \(the server's "default"\)$/),
        expect.stringMatching(/environment "Staging" is invalid \(.*\); using "staging"$/),
      ]);
    } finally {
      logs.restore();
    }
  });
});
