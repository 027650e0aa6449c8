// `pnpm --filter @otel-langfuse/bench run profile`: CPU profiles (node --cpu-prof) of our hot path and our export
// path, each in its own child against the local receiver, then the top self-time functions of our packages.
// Options: --dir=<where the .cpuprofile files go> (default: a temp dir), --top=N.
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver } from '@otel-langfuse/receiver';
import { report } from './cpuprofile-top.mjs';
import { Child, SpanCounter } from './harness.mjs';

const args = new Map(process.argv.slice(2).filter((a) => a !== '--').map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? true]; }));
const dir = typeof args.get('dir') === 'string' ? args.get('dir') : mkdtempSync(join(tmpdir(), 'otel-langfuse-profiles-'));
const top = Number(args.get('top') ?? 20);

const counter = new SpanCounter();
const receiver = await startReceiver({ onBatch: counter.onBatch });

const TARGETS = [
  { name: 'hot-ours-facade', scenario: 'hot', competitor: 'ours-noop', runs: 6, message: { ops: 10_000, yieldEvery: 32 }, spans: 0 },
  { name: 'hot-otel-bare', scenario: 'hot', competitor: 'otel', runs: 6, message: { ops: 10_000, yieldEvery: 32 }, spans: 0 },
  { name: 'hot-ours-legacy', scenario: 'hot', competitor: 'ours', runs: 4, message: { ops: 10_000, yieldEvery: 32 }, spans: 20_000 },
  { name: 'hot-ours-otlp', scenario: 'hot', competitor: 'ours-otlp', runs: 4, message: { ops: 10_000, yieldEvery: 32 }, spans: 20_000 },
  { name: 'export-ours-legacy', scenario: 'throughput', competitor: 'ours', runs: 4, spans: 10_240 },
  { name: 'export-ours-otlp', scenario: 'throughput', competitor: 'ours-otlp', runs: 4, spans: 10_240 },
];

const only = args.has('only') ? new Set(String(args.get('only')).split(',')) : undefined;
for (const target of TARGETS.filter((t) => !only || only.has(t.name))) {
  const out = join(dir, target.name);
  mkdirSync(out, { recursive: true });
  const queue = 2 * (target.message?.ops ?? target.spans) + 1024;
  const hot = target.scenario === 'hot';
  const child = await Child.start(target.scenario, target.competitor, {
    receiverUrl: receiver.url,
    options: hot ? { processor: { maxQueueSize: queue } } : { spans: target.spans },
    // The hot path: the whole child (it only runs the loop). The export path: only the phases that export
    // (the spans are made before, outside the profile).
    execArgv: hot ? ['--cpu-prof', `--cpu-prof-dir=${out}`] : [],
    env: hot ? {} : { BENCH_PROFILE_FEED: join(out, 'feed') },
  });
  for (let i = 0; i < target.runs; i++) {
    receiver.reset();
    counter.reset();
    if (target.scenario === 'hot') {
      await child.run(target.message);
    } else {
      await child.run({ phase: 'prepare', spans: target.spans });
      await child.run({ phase: 'feed' });
    }
    await counter.waitFor(target.spans, 10_000);
  }
  await child.close();
  const files = readdirSync(out).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(out, f));
  console.log(`## ${target.name} (${hot ? 'the whole hot-path child: making spans and exporting them' : `export phases only, ${files.length} runs merged`})`);
  console.log(report(files, { top, ours: true }));
  console.log('\nAll functions (dependencies and Node included):');
  console.log(report(files, { top: 12 }).split('\n').slice(1).join('\n'));
  console.log();
}
await receiver.close();
console.log(`profiles in ${dir} (open them in Chrome DevTools → Performance, or run src/cpuprofile-top.mjs on them)`);
