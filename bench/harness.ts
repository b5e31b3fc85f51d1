/**
 * A tiny benchmark harness: each case runs a few times, the median is
 * reported, and results go to `bench/results/latest.json` and `latest.md`.
 * Absolute times on shared machines are noisy: compare ratios measured in
 * the same run.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface Result {
  suite: string;
  name: string;
  /** Median wall time of one run, in ms. */
  ms: number;
  /** Items per run (messages, routes). */
  items: number;
  /** Items per second at the median. */
  perSecond: number;
  /** Peak RSS seen during the runs, MiB. */
  peakRssMiB: number;
  runs: number;
  note?: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Times `fn` `runs` times after one warm-up; returns the median. */
export function measure(suite: string, name: string, items: number, fn: () => unknown, runs = 5, note?: string): Result {
  fn();
  const times: number[] = [];
  let peak = process.memoryUsage().rss;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const ms = median(times);
  const r: Result = { suite, name, ms, items, perSecond: items / (ms / 1000), peakRssMiB: peak / 2 ** 20, runs };
  if (note) r.note = note;
  return r;
}

export function writeResults(results: Result[]): string {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? '?', memGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  const date = new Date().toISOString();
  writeFileSync(dir + 'latest.json', JSON.stringify({ date, machine, results }, null, 2) + '\n');
  const rows = results.map((r) => `| ${r.suite} | ${r.name} | ${r.ms.toFixed(1)} | ${fmt(r.perSecond)} | ${(r.ms * 1000 / r.items).toFixed(3)} | ${r.peakRssMiB.toFixed(0)} | ${r.note ?? ''} |`);
  const md = [
    `# nlkit benchmark results`,
    ``,
    `${date}, ${machine.cpus} × ${machine.cpu}, ${machine.memGiB} GiB, Node ${machine.node}. Medians of ${results[0]?.runs ?? 0} runs after a warm-up.`,
    ``,
    `| suite | case | ms | items/s | µs/item | peak RSS MiB | note |`,
    `|---|---|---:|---:|---:|---:|---|`,
    ...rows,
    ``,
  ].join('\n');
  writeFileSync(dir + 'latest.md', md);
  return md;
}

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0);
}
