export type Env = Readonly<Record<string, string | undefined>>;

export function envText(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** The variable as a number; a non-numeric value is reported and ignored. */
export function envNumber(env: Env, name: string, warnings: string[]): number | undefined {
  const text = envText(env, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (Number.isFinite(value)) return value;
  warnings.push(`${name}=${JSON.stringify(text.slice(0, 40))} is not a number; ignored`);
  return undefined;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export function envBoolean(env: Env, name: string, warnings: string[]): boolean | undefined {
  const text = envText(env, name)?.toLowerCase();
  if (text === undefined) return undefined;
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  warnings.push(`${name}=${JSON.stringify(text.slice(0, 40))} is not true/false; ignored`);
  return undefined;
}
