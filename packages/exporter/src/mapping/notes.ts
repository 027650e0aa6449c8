/** A problem the mapping worked around: something was dropped or changed. Never thrown, only reported. */
export interface MappingNote {
  /** Stable per kind of problem, so a caller can log each kind once. */
  code: string;
  /** What was dropped or changed and why; never echoes large values or secrets. */
  message: string;
}

export type NoteSink = (note: MappingNote) => void;

export type NoteCode =
  | 'observation-type-invalid'
  | 'level-invalid'
  | 'generation-fields-dropped'
  | 'prompt-incomplete'
  | 'prompt-version-invalid'
  | 'model-parameters-invalid'
  | 'model-parameters-stringified'
  | 'usage-invalid'
  | 'cost-invalid'
  | 'completion-start-time-invalid'
  | 'environment-normalized'
  | 'environment-invalid'
  | 'name-truncated'
  | 'id-truncated'
  | 'tags-invalid'
  | 'public-invalid'
  | 'metadata-invalid'
  | 'attribute-type-invalid'
  | 'mask-failed'
  | 'mask-async'
  | 'span-mapping-failed';

/** The internal reporting function every normalizer gets. */
export type Note = (code: NoteCode, message: string) => void;

export function createNote(sink: NoteSink | undefined): Note {
  if (sink === undefined) return () => {};
  return (code, message) => {
    try {
      sink({ code, message });
    } catch {
      // A failing sink must not break the mapping.
    }
  };
}
