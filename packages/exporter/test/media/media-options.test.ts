import { describe, expect, it } from 'vitest';
import { resolveExporterConfig } from '../../src/config/resolve-exporter-config.js';

const KEYS = { publicKey: 'pk-lf-1', secretKey: 'sk-lf-1' };
const resolve = (options: Record<string, unknown>, env: Record<string, string> = {}) => {
  const result = resolveExporterConfig({ ...KEYS, ...options }, env);
  if (!result.ok) throw new Error(result.reason);
  return result;
};

describe('media options', () => {
  it('upload is on by default, with a 20 MiB item limit', () => {
    const { config, warnings } = resolve({});
    expect(config.mediaUpload).toBe(true);
    expect(config.maxMediaBytes).toBe(20 * 1024 * 1024);
    expect(warnings).toEqual([]);
  });

  it('LANGFUSE_MEDIA_UPLOAD_ENABLED=false turns it off; the option wins over the variable', () => {
    expect(resolve({}, { LANGFUSE_MEDIA_UPLOAD_ENABLED: 'FALSE' }).config.mediaUpload).toBe(false);
    expect(resolve({ mediaUpload: true }, { LANGFUSE_MEDIA_UPLOAD_ENABLED: 'false' }).config.mediaUpload).toBe(true);
    expect(resolve({ mediaUpload: false }).config.mediaUpload).toBe(false);
  });

  it('an invalid value warns and keeps upload on', () => {
    const fromEnv = resolve({}, { LANGFUSE_MEDIA_UPLOAD_ENABLED: 'nope' });
    expect(fromEnv.config.mediaUpload).toBe(true);
    expect(fromEnv.warnings).toEqual(['LANGFUSE_MEDIA_UPLOAD_ENABLED="nope" is invalid (must be true or false); using true']);
    const fromOption = resolve({ mediaUpload: 'no' });
    expect(fromOption.config.mediaUpload).toBe(true);
    expect(fromOption.warnings).toHaveLength(1);
  });

  it('maxMediaBytes from the option or LANGFUSE_MAX_MEDIA_BYTES', () => {
    expect(resolve({}, { LANGFUSE_MAX_MEDIA_BYTES: '5000' }).config.maxMediaBytes).toBe(5000);
    expect(resolve({ maxMediaBytes: 123 }).config.maxMediaBytes).toBe(123);
    expect(resolve({ maxMediaBytes: -1 }).warnings[0]).toContain('maxMediaBytes');
  });
});
