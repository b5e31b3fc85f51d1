/**
 * The benchmark harness: statistics, per-process memory readings, and the
 * results files (`latest.json` with every sample, `latest.md` to read).
 *
 * Timings are medians of repeated runs. Every figure that has a floor is
 * also given as a ratio to that floor, measured in the same `pnpm bench`
 * run on the same namespace: absolute times on a shared 2-core machine
 * drift from run to run, ratios much less.
 */
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

// ---------------------------------------------------------------------------
// Statistics

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

// ---------------------------------------------------------------------------
// Memory of this process (Linux /proc)

function statusKiB(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Peak resident set size of this process since start or the last {@link resetPeakRss}, MiB. */
export function peakRssMiB(): number {
  return statusKiB('VmHWM') / 1024;
}

/** Resident set size now, MiB. */
export function rssMiB(): number {
  return statusKiB('VmRSS') / 1024;
}

/** Resets the kernel's peak-RSS mark (`echo 5 > /proc/self/clear_refs`); false where not allowed. */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** A full garbage collection when the process runs with `--expose-gc`. */
export function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

// ---------------------------------------------------------------------------
// Samples from one measured case

/** What a measured case reports: one entry per run after the warm-up. */
export interface Samples {
  /** Wall time of each run, ms. */
  times: number[];
  /** Peak RSS of each run (the mark reset before it), MiB; whole process for peers. */
  peaks: number[];
  /** Items processed per run (routes dumped, routes added). */
  items: number;
  /** RSS after the last run with its result still held, after a full GC, MiB. */
  heldRssMiB?: number;
  /** RSS before the first run, MiB (the process's own baseline). */
  baseRssMiB?: number;
  /** Wall time of the paired floor beside each run (same process, same moment), ms; see {@link sample}'s `pair`. */
  pairTimes?: number[];
  note?: string;
}

/**
 * Runs `fn` once to warm up and then `runs` times, each after a full GC and
 * a reset of the peak-RSS mark. The result of the last run is kept while the
 * held RSS is read, then dropped.
 *
 * With `pair`, the floor is also run beside every run, in this process and
 * within a second of it, alternately just before and just after (so that
 * neither always runs on caches the other warmed), and timed on its own:
 * `pairTimes[i]` belongs to `times[i]`. On a shared machine the kernel's
 * speed drifts over minutes (the 100k-route dump floor has run at 10 ms in
 * one child process and 22 ms in the next); a ratio of runs taken side by
 * side does not drift with it.
 *
 * With `prepare`, what each run works on is made before its clock starts
 * and handed to `fn` (a batch compiled beforehand, for its apply alone).
 */
export async function sample<P = undefined>(
  items: (r: unknown) => number,
  fn: (run: number, prepared: P) => unknown,
  runs: number,
  opts: { warmup?: number; gcBetween?: boolean; pair?: (run: number) => unknown; prepare?: (run: number) => P } = {},
): Promise<Samples> {
  const base = rssMiB();
  const pair = opts.pair;
  for (let w = 0; w < (opts.warmup ?? 1); w++) {
    if (pair) await pair(-1 - w);
    await fn(-1 - w, opts.prepare?.(-1 - w) as P);
  }
  const times: number[] = [];
  const pairTimes: number[] = [];
  const peaks: number[] = [];
  let last: unknown;
  let count = 0;
  const timePair = async (r: number): Promise<void> => {
    const t0 = performance.now();
    await pair!(r);
    pairTimes.push(performance.now() - t0);
  };
  for (let r = 0; r < runs; r++) {
    last = undefined;
    if (opts.gcBetween !== false) fullGc();
    if (pair && r % 2 === 0) await timePair(r);
    // What the run works on, made before its clock starts (a batch compiled beforehand).
    const prepared = opts.prepare?.(r) as P;
    resetPeakRss();
    const t0 = performance.now();
    last = await fn(r, prepared);
    times.push(performance.now() - t0);
    peaks.push(peakRssMiB());
    count = items(last);
    if (pair && r % 2 === 1) {
      // The run's own collection work done first, so that it does not share the cores with the floor.
      if (opts.gcBetween !== false) fullGc();
      await timePair(r);
    }
  }
  fullGc();
  const held = rssMiB();
  keep(last);
  return { times, peaks, items: count, heldRssMiB: held, baseRssMiB: base, ...(pair ? { pairTimes } : {}) };
}

let sink: unknown;
/** Keeps a value reachable up to here (so the held-RSS reading holds it). */
export function keep(v: unknown): void {
  sink = v;
  sink = undefined;
}

// ---------------------------------------------------------------------------
// Results

export interface Result {
  /** `dump`, `write`, `codec`. */
  suite: string;
  /** Stable identifier of the case (`nlkit-dump-lazy`). */
  id: string;
  /** What was measured, for people. */
  name: string;
  /** Items per run (routes). */
  n: number;
  /** Median wall time of a run, ms. */
  ms: number;
  /** Median µs per item. */
  usPerItem: number;
  /** Id of the floor this case is compared with (same suite and `n`), if any. */
  floor?: string;
  /** `ms / floor.ms`, both medians of this run. */
  ratio?: number;
  /** Median over the runs of each run's time divided by its paired floor's (see `sample`'s `pair`). */
  pairedRatio?: number;
  /** Median time of the paired floor runs, ms. */
  pairedFloorMs?: number;
  /** Every paired floor run's time, ms (`pairTimes[i]` beside `times[i]`). */
  pairTimes?: number[];
  /** Highest per-run peak RSS, MiB (whole process). */
  peakRssMiB?: number;
  /** RSS with the last run's result held, after GC, MiB. */
  heldRssMiB?: number;
  /** RSS of the process before the first run, MiB. */
  baseRssMiB?: number;
  /** Whole process (startup included) rather than in-process. */
  wholeProcess?: boolean;
  runs: number;
  /** Every run's time, ms. */
  times: number[];
  note?: string;
}

export interface Target {
  name: string;
  /** The measured value and the limit, in the same unit. */
  value: number;
  limit: number;
  unit: string;
  holds: boolean;
}

export interface Skipped {
  suite: string;
  id: string;
  reason: string;
}

export interface Report {
  date: string;
  machine: { cpus: number; cpu: string; memGiB: number; node: string; kernel: string };
  config: Record<string, unknown>;
  results: Result[];
  targets: Target[];
  skipped: Skipped[];
  notes: string[];
}

export function machine(): Report['machine'] {
  return { cpus: cpus().length, cpu: cpus()[0]?.model ?? '?', memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, kernel: release() };
}

/** Turns samples into a result row (ratio filled in later by {@link withRatios}). */
export function toResult(suite: string, id: string, name: string, s: Samples, extra: Partial<Result> = {}): Result {
  const ms = median(s.times);
  const r: Result = { suite, id, name, n: s.items, ms, usPerItem: (ms * 1000) / s.items, runs: s.times.length, times: s.times, ...extra };
  if (s.peaks.length) r.peakRssMiB = Math.max(...s.peaks);
  if (s.heldRssMiB !== undefined) r.heldRssMiB = s.heldRssMiB;
  if (s.baseRssMiB !== undefined) r.baseRssMiB = s.baseRssMiB;
  if (s.note && !r.note) r.note = s.note;
  if (s.pairTimes?.length === s.times.length && s.times.length > 0) {
    r.pairTimes = s.pairTimes;
    r.pairedFloorMs = median(s.pairTimes);
    r.pairedRatio = median(s.times.map((t, i) => t / s.pairTimes![i]!));
  }
  return r;
}

/** Fills `ratio` of every result that names a floor present with the same suite and size. */
export function withRatios(results: Result[]): Result[] {
  for (const r of results) {
    if (!r.floor) continue;
    const f = results.find((x) => x.suite === r.suite && x.id === r.floor && sizeKey(x) === sizeKey(r));
    if (f) r.ratio = r.ms / f.ms;
  }
  return results;
}

/** Results of one suite compare at the configured size, not at the exact count (a dump has the kernel's few own routes too). */
function sizeKey(r: Result): number {
  return Math.round(r.n / 1000);
}

export function writeReport(dir: string, report: Report): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = `${dir}/latest.json`;
  const md = `${dir}/latest.md`;
  writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(md, markdown(report));
  return { json, md };
}

const SUITE_TITLES: Record<string, string> = {
  dump: 'Route dump, IPv4, all tables (one full dump per run)',
  write: 'Route adds, one ACK each',
  codec: 'Codec micro-benchmarks (recorded dump held in memory)',
};

export function markdown(report: Report): string {
  const m = report.machine;
  const lines: string[] = [
    '# nlkit benchmark results',
    '',
    `${report.date} · ${m.cpus} × ${m.cpu} · ${m.memGiB} GiB · Node ${m.node} · Linux ${m.kernel}`,
    '',
    `Config: ${Object.entries(report.config).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' · ')}`,
    '',
    'Times are medians of the runs listed (min–max: the fastest and the slowest of them); ratio = median / median of the floor named, both from this run.',
    'paired = median over the runs of (run time / time of the floor run beside it, in the same process); floor ms = median of those floor runs.',
    'Peak and held RSS of the dump rows: a fresh process doing one dump and keeping the result; elsewhere the highest per-run peak. See bench/README.md.',
    '',
  ];
  if (report.targets.length) {
    lines.push('## Targets', '', '| target | measured | limit | holds |', '|---|---:|---:|:---:|');
    for (const t of report.targets) lines.push(`| ${t.name} | ${fmtNum(t.value)} ${t.unit} | ${fmtNum(t.limit)} ${t.unit} | ${t.holds ? 'yes' : '**no**'} |`);
    lines.push('');
  }
  for (const suite of [...new Set(report.results.map((r) => r.suite))]) {
    lines.push(`## ${SUITE_TITLES[suite] ?? suite}`, '');
    const rows = report.results.filter((x) => x.suite === suite);
    const paired = rows.some((r) => r.pairedRatio !== undefined);
    lines.push(
      `| N | case | ms | min–max ms | µs/item | ratio | vs |${paired ? ' paired | floor ms |' : ''} peak RSS MiB | held RSS MiB | runs | note |`,
      `|---:|---|---:|---:|---:|---:|---|${paired ? '---:|---:|' : ''}---:|---:|---:|---|`,
    );
    for (const r of rows) {
      const pairCells = !paired ? '' : r.pairedRatio !== undefined ? ` ${r.pairedRatio.toFixed(2)}× | ${r.pairedFloorMs!.toFixed(1)} |` : ' — | — |';
      lines.push(
        `| ${fmtN(r.n)} | ${r.name}${r.wholeProcess ? ' ¹' : ''} | ${r.ms.toFixed(1)} | ${spread(r.times)} | ${r.usPerItem.toFixed(3)} | ${r.ratio !== undefined ? r.ratio.toFixed(2) + '×' : '—'} | ${r.floor ?? (r.id.includes('floor') ? '(floor)' : '')} |${pairCells} ${r.peakRssMiB !== undefined ? r.peakRssMiB.toFixed(0) : '—'} | ${r.heldRssMiB !== undefined ? r.heldRssMiB.toFixed(0) : '—'} | ${r.runs} | ${r.note ?? ''} |`,
      );
    }
    lines.push('');
  }
  if (report.results.some((r) => r.wholeProcess)) lines.push('¹ whole process, start-up included, timed with `process.hrtime` around the spawned process; peak RSS from `/usr/bin/time` (or `/proc/<pid>/status`).', '');
  if (report.skipped.length) {
    lines.push('## Skipped', '');
    for (const s of report.skipped) lines.push(`- ${s.suite}/${s.id}: ${s.reason}`);
    lines.push('');
  }
  if (report.notes.length) {
    lines.push('## Notes', '');
    for (const n of report.notes) lines.push(`- ${n}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The fastest and slowest run, ms (`12.0–19.5`); how far the median could move on a shared host. */
function spread(times: readonly number[] | undefined): string {
  if (!times?.length) return '—';
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of times) {
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return `${lo.toFixed(1)}–${hi.toFixed(1)}`;
}

function fmtN(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(n % 1e6 ? 2 : 0)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(n % 1e3 ? 1 : 0)}k` : String(n);
}

function fmtNum(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2);
}

/** Runs a command to its end and returns its stdout; throws with the command and its stderr when it fails. `input` goes to its stdin. */
export function runSync(cmd: string, args: readonly string[], input?: string): string {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ').slice(0, 200)} failed (${r.status}): ${r.stderr || r.error?.message}`);
  return r.stdout;
}

/**
 * Runs a measuring child process to its end and parses the JSON it printed
 * on the line starting with `marker`; rejects with the end of its stderr
 * when it exits with an error or prints no such line.
 */
export function childResult<T>(cmd: string, args: readonly string[], marker: string, label: string, options: SpawnOptions = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => (out += d));
    p.stderr!.on('data', (d: Buffer) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(marker));
      if (code !== 0 || !line) return reject(new Error(`${label} failed (exit ${code}):\n${err.slice(-4000)}`));
      resolve(JSON.parse(line.slice(marker.length)) as T);
    });
  });
}
