/**
 * `pnpm bench --quick` as a smoke test: the harness runs end to end (about
 * 2,000 routes in a throwaway namespace, every case and peer) and writes a
 * well-formed results file. No timing is asserted: figures on a shared
 * machine are not a test. Needs root; under CI it must run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isRoot as root, requireRootInCI } from './live-env.js';

requireRootInCI('the bench smoke test');

const repo = fileURLToPath(new URL('..', import.meta.url));

interface Row {
  suite: string;
  id: string;
  name: string;
  n: number;
  ms: number;
  usPerItem: number;
  runs: number;
  times: number[];
  floor?: string;
  ratio?: number;
  pairedRatio?: number;
  pairedFloorMs?: number;
  pairTimes?: number[];
  peakRssMiB?: number;
}

describe.skipIf(!root)('pnpm bench --quick', () => {
  it('runs every suite and writes latest.json and latest.md', () => {
    const out = mkdtempSync(join(tmpdir(), 'nlkit-bench-smoke-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, BENCH_ROUTES: '2000' };
      for (const k of ['BENCH_RUNS', 'BENCH_ADDS', 'BENCH_PER_DATAGRAM', 'BENCH_PYROUTE2_MAX', 'BENCH_SUITES']) delete env[k];
      const r = spawnSync(process.execPath, ['--conditions=@nlkit/source', '--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], {
        cwd: repo,
        env,
        encoding: 'utf8',
        timeout: 170_000,
      });
      expect(r.status, `${r.stderr}\n${r.stdout}`).toBe(0);

      const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as {
        date: string;
        machine: { cpus: number; node: string };
        config: { quick: boolean; routes: number[] };
        results: Row[];
        targets: { name: string; value: number; limit: number; holds: boolean }[];
        skipped: { id: string; reason: string }[];
      };
      expect(Number.isNaN(Date.parse(report.date))).toBe(false);
      expect(report.machine.node).toBe(process.version);
      expect(report.config.quick).toBe(true);
      expect(report.config.routes).toEqual([2000]);

      const ids = new Set(report.results.map((x) => `${x.suite}/${x.id}`));
      for (const id of [
        'dump/dump-floor', 'dump/dump-stream-push', 'dump/dump-list-stream', 'dump/dump-list', 'dump/dump-list-untouched', 'dump/dump-stream', 'dump/dump-lazy', 'dump/dump-eager', 'dump/dump-untouched', 'dump/dump-transport', 'dump/peer-ip',
        'codec/codec-walk', 'codec/codec-lazy', 'codec/codec-lazy-touched', 'codec/codec-eager', 'codec/codec-encode', 'codec/codec-encode-interpreted', 'codec/codec-encode-each',
        'write/add-floor-seq', 'write/add-floor-batch', 'write/add-seq', 'write/add-batch', 'write/add-seq-objects', 'write/add-batch-objects',
      ]) {
        expect(ids, id).toContain(id);
      }
      // pyroute2 is measured where installed, else skipped with the reason.
      expect(ids.has('dump/peer-pyroute2') || report.skipped.some((s) => s.id === 'peer-pyroute2')).toBe(true);

      for (const x of report.results) {
        const at = `${x.suite}/${x.id}`;
        expect(x.runs, at).toBeGreaterThan(0);
        expect(x.times, at).toHaveLength(x.runs);
        expect(x.ms, at).toBeGreaterThan(0);
        expect(x.usPerItem, at).toBeCloseTo((x.ms * 1000) / x.n, 6);
        if (x.suite === 'dump') expect(x.n, at).toBeGreaterThanOrEqual(2000);
        if (x.suite === 'write') expect(x.n, at).toBe(500);
        if (x.floor) {
          expect(ids, at).toContain(`${x.suite}/${x.floor}`);
          expect(x.ratio, at).toBeGreaterThan(0);
        }
        if (x.peakRssMiB !== undefined) expect(x.peakRssMiB, at).toBeGreaterThan(0);
        // Every nlkit dump and write row has its floor timed beside each of its runs, and its paired ratio is theirs.
        if ((x.suite === 'dump' && x.id.startsWith('dump-') && x.id !== 'dump-floor') || (x.suite === 'write' && !x.id.startsWith('add-floor'))) {
          expect(x.pairTimes, at).toHaveLength(x.runs);
          const ratios = x.times.map((t, i) => t / x.pairTimes![i]!).sort((a, b) => a - b);
          const mid = ratios.length >> 1;
          expect(x.pairedRatio, at).toBeCloseTo(ratios.length % 2 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2, 9);
          expect(x.pairedFloorMs, at).toBeGreaterThan(0);
        } else {
          expect(x.pairedRatio, at).toBeUndefined();
        }
      }
      // The targets are reported (whether they hold is the benchmark's business, not the test's).
      expect(report.targets.map((t) => t.name).join('\n')).toMatch(/dump \+ typed objects[\s\S]*sequential adds[\s\S]*batched adds/);
      for (const t of report.targets) expect(t.holds).toBe(t.value <= t.limit);

      const md = readFileSync(join(out, 'latest.md'), 'utf8');
      expect(md).toMatch(/^# nlkit benchmark results/);
      expect(md).toContain('## Targets');
      expect(md).toContain('| N | case | ms | min–max ms | µs/item | ratio |');
      expect(md).toContain('| paired | floor ms |');
      // Each row's spread is its fastest and slowest run, from the same times as the JSON's.
      for (const x of report.results) {
        const row = md.split('\n').find((l) => l.includes(`| ${x.name}`) && l.includes(` | ${x.ms.toFixed(1)} | `));
        expect(row, x.id).toBeDefined();
        const cell = row!.split(' | ')[3];
        expect(cell, x.id).toBe(`${Math.min(...x.times).toFixed(1)}–${Math.max(...x.times).toFixed(1)}`);
      }
      // The dump target is held to the worse of its two estimates.
      const stream = report.results.find((x) => x.id === 'dump-stream')!;
      const dumpTarget = report.targets.find((t) => t.name.startsWith('dump + typed objects'))!;
      expect(dumpTarget.name).toMatch(/floor run beside each run/);
      expect(dumpTarget.value).toBe(Math.max(stream.ratio!, stream.pairedRatio!));
      // So are the write targets.
      for (const [id, prefix] of [['add-seq', 'sequential adds'], ['add-batch', 'batched adds']] as const) {
        const row = report.results.find((x) => x.id === id)!;
        const target = report.targets.find((t) => t.name.startsWith(prefix))!;
        expect(target.name).toMatch(/floor run beside each run/);
        expect(target.value).toBe(Math.max(row.ratio!, row.pairedRatio!));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
