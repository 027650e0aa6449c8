// Reads a .cpuprofile (node --cpu-prof) and aggregates self time by function + file.
// `node cpuprofile-top.mjs <file.cpuprofile>... [--top=25] [--ours]`: several files are merged; --ours keeps only
// functions from this repo's packages (exporter, tracing). Shares are of the non-idle sampled time.
import { readFileSync } from 'node:fs';

/** Self time (µs) per "function file:line", plus totals. */
export function aggregate(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfById = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time before sample i; attribute it to the sample (the usual approximation).
    selfById.set(samples[i], (selfById.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0));
  }
  const byFunction = new Map();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfById) {
    const { callFrame } = byId.get(id);
    total += us;
    // '(idle)' is waiting; 'dispatch' without a URL is node:inspector building the profile (phase profiles only).
    if (callFrame.functionName === '(idle)' || (callFrame.functionName === 'dispatch' && !callFrame.url)) idle += us;
    const key = `${callFrame.functionName || '(anonymous)'}\t${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}`;
    const entry = byFunction.get(key) ?? { fn: callFrame.functionName || '(anonymous)', where: `${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}`, url: callFrame.url, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
  }
  return { functions: [...byFunction.values()].sort((a, b) => b.us - a.us), total, busy: total - idle };
}

export function shortUrl(url) {
  if (!url) return '';
  const pkg = url.match(/\/packages\/([^/]+)\/(.*)$/);
  if (pkg && !url.includes('node_modules')) return `${pkg[1]}/${pkg[2]}`;
  const dep = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\/(.*)$/);
  if (dep) return `${dep[1]}/${dep[2].replace(/^build\/(esm|src)\//, '').replace(/^dist\//, '')}`;
  return url.replace(/^file:\/\//, '');
}

/** Functions from this repository's published packages. */
export function isOurs(url) {
  return /\/packages\/(exporter|tracing)\//.test(url) && !/node_modules\/\.pnpm/.test(url);
}

/** Aggregates one or more profiles (merged) and formats the top functions. */
export function report(files, { top = 25, ours = false } = {}) {
  const list = Array.isArray(files) ? files : [files];
  const merged = new Map();
  let total = 0;
  let busy = 0;
  for (const file of list) {
    const result = aggregate(JSON.parse(readFileSync(file, 'utf8')));
    total += result.total;
    busy += result.busy;
    for (const f of result.functions) {
      const key = `${f.fn}\t${f.where}`;
      const entry = merged.get(key) ?? { ...f, us: 0 };
      entry.us += f.us;
      merged.set(key, entry);
    }
  }
  const functions = [...merged.values()].filter((f) => f.fn !== '(idle)' && !(f.fn === 'dispatch' && !f.url)).sort((a, b) => b.us - a.us);
  const rows = (ours ? functions.filter((f) => isOurs(f.url)) : functions).slice(0, top);
  const lines = rows.map(
    (f) => `${(f.us / 1000).toFixed(0).padStart(7)} ms ${((100 * f.us) / busy).toFixed(1).padStart(5)}%  ${f.fn}  ${f.where}`,
  );
  const oursTotal = functions.filter((f) => isOurs(f.url)).reduce((s, f) => s + f.us, 0);
  const name = list.length === 1 ? list[0] : `${list.length} profiles`;
  return [
    `${name}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms not idle; our packages' self time ${((100 * oursTotal) / busy).toFixed(1)}% of it`,
    '   self    %busy  function  file:line',
    ...lines,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const files = args.filter((a) => !a.startsWith('--'));
  const top = Number(args.find((a) => a.startsWith('--top='))?.slice(6) ?? 25);
  console.log(report(files, { top, ours: args.includes('--ours') }));
}
