import type { Note } from './notes.js';

export interface PromptLink {
  promptName: string;
  promptVersion: number;
}

const INTEGER_TEXT = /^\s*-?\d{1,15}\s*$/;

function promptVersion(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && INTEGER_TEXT.test(value)) return Number(value);
  return undefined;
}

/** Both prompt name and integer version, or neither: the server fails the whole event on half a pair. */
export function normalizePrompt(name: unknown, version: unknown, note: Note): PromptLink | undefined {
  if (name === undefined && version === undefined) return undefined;
  const promptName = typeof name === 'string' && name !== '' ? name : undefined;
  if (promptName === undefined || version === undefined) {
    note(
      'prompt-incomplete',
      `prompt ${promptName === undefined ? 'name' : 'version'} is missing; prompt name and version were both dropped`,
    );
    return undefined;
  }
  const parsedVersion = promptVersion(version);
  if (parsedVersion === undefined) {
    note('prompt-version-invalid', 'prompt version is not an integer; prompt name and version were both dropped');
    return undefined;
  }
  return { promptName, promptVersion: parsedVersion };
}
