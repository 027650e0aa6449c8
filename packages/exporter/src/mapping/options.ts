export type MaskField = 'input' | 'output' | 'metadata';

export type MaskFunction = (params: { data: unknown; field: MaskField }) => unknown;

export interface MappingOptions {
  /** Exporter-level default environment, used when neither the span nor its resource names one. */
  environment?: string;
  /** Exporter-level default release (a trace field). */
  release?: string;
  /**
   * Applied to input, output and metadata of traces and observations after parsing. If it throws, the value is
   * replaced by `'<masking failed>'` (never sent raw) and a note is reported.
   */
  mask?: MaskFunction;
}
