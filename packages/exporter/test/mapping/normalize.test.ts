import { describe, expect, it } from 'vitest';
import type { MappingNote } from '../../src/mapping/index.js';
import { normalizeCompletionStartTime } from '../../src/mapping/normalize-completion-start-time.js';
import { normalizeEnvironment } from '../../src/mapping/normalize-environment.js';
import { limitId, limitName, truncate } from '../../src/mapping/normalize-length.js';
import { normalizeLevel } from '../../src/mapping/normalize-level.js';
import { normalizeModelParameters } from '../../src/mapping/normalize-model-parameters.js';
import { normalizePrompt } from '../../src/mapping/normalize-prompt.js';
import { normalizeTags } from '../../src/mapping/normalize-tags.js';
import { normalizeCostDetails, normalizeUsageDetails } from '../../src/mapping/normalize-usage.js';
import type { Note } from '../../src/mapping/notes.js';

function collect(): { note: Note; notes: MappingNote[]; codes: () => string[] } {
  const notes: MappingNote[] = [];
  return { note: (code, message) => notes.push({ code, message }), notes, codes: () => notes.map((n) => n.code) };
}

describe('level', () => {
  it('accepts the four levels in any case', () => {
    const { note, notes } = collect();
    expect(normalizeLevel('DEBUG', note)).toBe('DEBUG');
    expect(normalizeLevel('default', note)).toBe('DEFAULT');
    expect(normalizeLevel(' Warning ', note)).toBe('WARNING');
    expect(normalizeLevel('error', note)).toBe('ERROR');
    expect(notes).toEqual([]);
  });

  it.each([
    ['TRACE', 'DEBUG'],
    ['verbose', 'DEBUG'],
    ['INFO', 'DEFAULT'],
    ['log', 'DEFAULT'],
    ['NOTICE', 'DEFAULT'],
    ['ok', 'DEFAULT'],
    ['SUCCESS', 'DEFAULT'],
    ['warn', 'WARNING'],
    ['FATAL', 'ERROR'],
    ['critical', 'ERROR'],
  ])('maps the alias %s to %s', (alias, level) => {
    const { note, notes } = collect();
    expect(normalizeLevel(alias, note)).toBe(level);
    expect(notes).toEqual([]);
  });

  it('drops unknown levels and non-strings with a level-invalid note', () => {
    const { note, codes } = collect();
    expect(normalizeLevel('LOUD', note)).toBeUndefined();
    expect(normalizeLevel(3, note)).toBeUndefined();
    expect(normalizeLevel('constructor', note)).toBeUndefined();
    expect(codes()).toEqual(['level-invalid', 'level-invalid', 'level-invalid']);
  });
});

describe('environment', () => {
  it('keeps a valid name unchanged without a note', () => {
    const { note, notes } = collect();
    expect(normalizeEnvironment('production', note)).toBe('production');
    expect(normalizeEnvironment('eu_west-1', note)).toBe('eu_west-1');
    expect(notes).toEqual([]);
  });

  it('lowercases, and says so', () => {
    const { note, codes } = collect();
    expect(normalizeEnvironment('Staging', note)).toBe('staging');
    expect(codes()).toEqual(['environment-normalized']);
  });

  it('strips leading reserved "langfuse" prefixes (with their separator)', () => {
    const { note, codes } = collect();
    expect(normalizeEnvironment('langfuse-prod', note)).toBe('prod');
    expect(normalizeEnvironment('LangfuseLangfuse_dev', note)).toBe('dev');
    expect(normalizeEnvironment('langfusestaging', note)).toBe('staging');
    expect(codes()).toEqual(['environment-normalized', 'environment-normalized', 'environment-normalized']);
  });

  it('omits names that stay invalid, naming the problem', () => {
    const { note, notes } = collect();
    expect(normalizeEnvironment('prod env!', note)).toBeUndefined();
    expect(normalizeEnvironment('x'.repeat(41), note)).toBeUndefined();
    expect(normalizeEnvironment('langfuse', note)).toBeUndefined();
    expect(normalizeEnvironment('', note)).toBeUndefined();
    expect(notes.map((n) => n.code)).toEqual([
      'environment-invalid',
      'environment-invalid',
      'environment-invalid',
      'environment-invalid',
    ]);
    expect(notes[0]?.message).toContain('characters other than');
    expect(notes[1]?.message).toContain('longer than 40');
    expect(notes[2]?.message).toContain('empty');
  });
});

describe('lengths', () => {
  it('truncates names over 1000 characters with a note', () => {
    const { note, codes } = collect();
    expect(limitName('n'.repeat(1000), 'trace name', note)).toHaveLength(1000);
    expect(limitName('n'.repeat(5000), 'trace name', note)).toHaveLength(1000);
    expect(codes()).toEqual(['name-truncated']);
  });

  it('truncates ids over 800 characters with a note', () => {
    const { note, codes } = collect();
    expect(limitId('i'.repeat(801), 'user id', note)).toHaveLength(800);
    expect(codes()).toEqual(['id-truncated']);
  });

  it('never splits a surrogate pair', () => {
    const text = 'a'.repeat(999) + '😀' + 'b';
    expect(truncate(text, 1000)).toBe('a'.repeat(999));
  });
});

describe('tags', () => {
  it('accepts a string array: trimmed, empty ones dropped, deduplicated', () => {
    const { note } = collect();
    expect(normalizeTags([' a ', 'b', '', 'a', '  '], note)).toEqual(['a', 'b']);
  });

  it('accepts a JSON array string', () => {
    const { note } = collect();
    expect(normalizeTags('["x", "y", "x"]', note)).toEqual(['x', 'y']);
  });

  it('accepts a comma-separated string', () => {
    const { note } = collect();
    expect(normalizeTags('alpha, beta,,alpha , gamma', note)).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('returns undefined when nothing remains, and notes non-string items', () => {
    const { note, codes } = collect();
    expect(normalizeTags(' , ', note)).toBeUndefined();
    expect(normalizeTags('[{"a":1}, "ok"]', note)).toEqual(['ok']);
    expect(normalizeTags(true, note)).toBeUndefined();
    expect(codes()).toEqual(['tags-invalid', 'tags-invalid']);
  });
});

describe('prompt', () => {
  it('keeps a name with an integer version', () => {
    const { note, notes } = collect();
    expect(normalizePrompt('greeting', 3, note)).toEqual({ promptName: 'greeting', promptVersion: 3 });
    expect(notes).toEqual([]);
  });

  it('accepts a numeric string version', () => {
    const { note } = collect();
    expect(normalizePrompt('greeting', '3', note)).toEqual({ promptName: 'greeting', promptVersion: 3 });
  });

  it('drops both when only one is present', () => {
    const { note, codes } = collect();
    expect(normalizePrompt('greeting', undefined, note)).toBeUndefined();
    expect(normalizePrompt(undefined, 2, note)).toBeUndefined();
    expect(codes()).toEqual(['prompt-incomplete', 'prompt-incomplete']);
  });

  it('drops both when the version is not an integer', () => {
    const { note, codes } = collect();
    expect(normalizePrompt('greeting', 1.5, note)).toBeUndefined();
    expect(normalizePrompt('greeting', 'latest', note)).toBeUndefined();
    expect(codes()).toEqual(['prompt-version-invalid', 'prompt-version-invalid']);
  });

  it('is silent when neither is present', () => {
    const { note, notes } = collect();
    expect(normalizePrompt(undefined, undefined, note)).toBeUndefined();
    expect(notes).toEqual([]);
  });
});

describe('model parameters', () => {
  it('keeps the value shapes the server accepts', () => {
    const { note, notes } = collect();
    const input = {
      temperature: 0.7,
      model: 'x',
      stream: false,
      seed: null,
      stop: ['\n', 'END'],
      headers: { 'x-a': 'b' },
    };
    expect(normalizeModelParameters(JSON.stringify(input), note)).toEqual(input);
    expect(notes).toEqual([]);
  });

  it('stringifies other shapes with a note', () => {
    const { note, codes } = collect();
    const result = normalizeModelParameters(
      JSON.stringify({ tools: [{ type: 'function' }], logit_bias: { '50256': -100 }, n: 1 }),
      note,
    );
    expect(result).toEqual({ tools: '[{"type":"function"}]', logit_bias: '{"50256":-100}', n: 1 });
    expect(codes()).toEqual(['model-parameters-stringified']);
  });

  it('drops invalid JSON and non-objects with a note', () => {
    const { note, codes } = collect();
    expect(normalizeModelParameters('{temperature: 1', note)).toBeUndefined();
    expect(normalizeModelParameters('[1,2]', note)).toBeUndefined();
    expect(normalizeModelParameters(7, note)).toBeUndefined();
    expect(codes()).toEqual(['model-parameters-invalid', 'model-parameters-invalid', 'model-parameters-invalid']);
  });
});

describe('usage details', () => {
  it('keeps non-negative integers', () => {
    const { note, notes } = collect();
    expect(normalizeUsageDetails('{"input":10,"output":5,"total":15,"input_cached_tokens":2}', note)).toEqual({
      input: 10,
      output: 5,
      total: 15,
      input_cached_tokens: 2,
    });
    expect(notes).toEqual([]);
  });

  it('accepts numeric strings', () => {
    const { note } = collect();
    expect(normalizeUsageDetails('{"input":"10"}', note)).toEqual({ input: 10 });
  });

  it('drops negatives, fractions and non-numbers with a note', () => {
    const { note, notes } = collect();
    expect(
      normalizeUsageDetails('{"input":-1,"output":2.5,"total":"abc","nested":{"a":1},"ok":3,"gone":null}', note),
    ).toEqual({ ok: 3 });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ code: 'usage-invalid' });
    expect(notes[0]?.message).toContain('4 usage details value(s)');
  });

  it('drops invalid JSON and non-objects with a note', () => {
    const { note, codes } = collect();
    expect(normalizeUsageDetails('{"input":', note)).toBeUndefined();
    expect(normalizeUsageDetails('12', note)).toBeUndefined();
    expect(normalizeUsageDetails('{"input":-5}', note)).toBeUndefined();
    expect(codes()).toEqual(['usage-invalid', 'usage-invalid', 'usage-invalid']);
  });
});

describe('cost details', () => {
  it('keeps non-negative numbers including fractions and numeric strings', () => {
    const { note, notes } = collect();
    expect(normalizeCostDetails('{"input":0.0012,"output":"0.5","total":0}', note)).toEqual({
      input: 0.0012,
      output: 0.5,
      total: 0,
    });
    expect(notes).toEqual([]);
  });

  it('drops negative and non-numeric costs with a note', () => {
    const { note, codes } = collect();
    expect(normalizeCostDetails('{"input":-0.1,"output":"free","total":1}', note)).toEqual({ total: 1 });
    expect(normalizeCostDetails('nope', note)).toBeUndefined();
    expect(codes()).toEqual(['cost-invalid', 'cost-invalid']);
  });
});

describe('completion start time', () => {
  it('keeps an ISO string with Z', () => {
    const { note, notes } = collect();
    expect(normalizeCompletionStartTime('2024-05-01T12:00:01.250123Z', note)).toBe('2024-05-01T12:00:01.250123Z');
    expect(notes).toEqual([]);
  });

  it('accepts a JSON-quoted ISO string', () => {
    const { note } = collect();
    expect(normalizeCompletionStartTime('"2024-05-01T12:00:01.250Z"', note)).toBe('2024-05-01T12:00:01.250Z');
  });

  it('takes a time without zone as UTC and converts offsets to UTC', () => {
    const { note } = collect();
    expect(normalizeCompletionStartTime('2024-05-01T12:00:01.250', note)).toBe('2024-05-01T12:00:01.250Z');
    expect(normalizeCompletionStartTime('2024-05-01T14:00:01.250+02:00', note)).toBe('2024-05-01T12:00:01.250Z');
  });

  it('drops anything else with a note', () => {
    const { note, codes } = collect();
    expect(normalizeCompletionStartTime('yesterday', note)).toBeUndefined();
    expect(normalizeCompletionStartTime('2024-13-45T99:00:00Z', note)).toBeUndefined();
    expect(normalizeCompletionStartTime(1714564800, note)).toBeUndefined();
    expect(codes()).toEqual([
      'completion-start-time-invalid',
      'completion-start-time-invalid',
      'completion-start-time-invalid',
    ]);
  });
});
