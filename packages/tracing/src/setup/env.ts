export type Env = Readonly<Record<string, string | undefined>>;

export function envText(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** The variable as a boolean; any other value is reported with `fallback`, the value used instead. */
export function envBoolean(env: Env, name: string, warnings: string[], fallback: boolean): boolean | undefined {
  const text = envText(env, name)?.toLowerCase();
  if (text === undefined) return undefined;
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  warnings.push(`${name}=${JSON.stringify(text.slice(0, 40))} is invalid (must be true or false); using ${fallback}`);
  return undefined;
}
