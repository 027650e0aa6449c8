/** Where the process-wide state lives: one object per process, whichever copy of the package made it. */
const REGISTRY = Symbol.for('@otel-langfuse/tracing process-wide state v1');

type Registry = Record<string, object>;

/**
 * The one `name` object of the process. A process can load this package twice — its CommonJS build through
 * `require` (e.g. `node -r ./setup.cjs`) and its ESM build through `import` — and a setup made through one copy
 * must be what the other copy's `langfuse.trace()` uses, so such state is kept on `globalThis` (as the OTel API
 * keeps its own globals) rather than in a module variable.
 */
export function processWide<T extends object>(name: string, create: () => T): T {
  const holder = globalThis as typeof globalThis & { [REGISTRY]?: Registry };
  const registry = (holder[REGISTRY] ??= Object.create(null) as Registry);
  return (registry[name] ??= create()) as T;
}
