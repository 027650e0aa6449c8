// ANSI SGR styling for the trace view, with Node built-ins only.

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray';

const CODES: Record<Style, [open: number, close: number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
};

export function paint(text: string, styles: readonly Style[]): string {
  if (text === '' || styles.length === 0) return text;
  let open = '';
  let close = '';
  for (const style of styles) {
    const [on, off] = CODES[style];
    open += `\u001b[${on}m`;
    close = `\u001b[${off}m${close}`;
  }
  return `${open}${text}${close}`;
}

export interface ColorEnvironment {
  /** Whether the output stream is a terminal. */
  isTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** `--no-color` was given. */
  noColorFlag?: boolean;
}

/**
 * Colours when writing to a terminal, unless `--no-color`, `NO_COLOR` (any non-empty value, https://no-color.org)
 * or `TERM=dumb`; `FORCE_COLOR` (non-empty, not `0`) turns them on for a non-terminal.
 */
export function colorEnabled({ isTTY, env, noColorFlag = false }: ColorEnvironment): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return isTTY && env.TERM !== 'dumb';
}
