/**
 * `pnpm bench`: nlkit against the floor the kernel sets, and against its
 * peers, on throwaway network namespaces. Must run as root.
 *
 *   pnpm bench                  N = 100k and 1M routes (about 2–3 minutes)
 *   pnpm bench --quick          N = 2,000: a smoke test (seconds)
 *   BENCH_ROUTES=50000 pnpm bench
 *
 * Options (flags or environment):
 *   --quick                     small N, fewer runs
 *   --out DIR                   where latest.json and latest.md go (default bench/results)
 *   --runtime bundle|source     children run an esbuild bundle (default) or the sources through tsx
 *   BENCH_ROUTES=a,b            route counts of the dump benchmark
 *   BENCH_RUNS=n                measured runs per case (after one warm-up; default 9, 7 at N ≥ 1M)
 *   BENCH_ADDS=n                routes added per run in the write benchmark (default 10000)
 *   BENCH_PER_DATAGRAM=n        requests per datagram of the batched adds (default 64)
 *   BENCH_PYROUTE2_MAX=n        largest N pyroute2 is run at (default 100000)
 *   BENCH_SUITES=dump,write,codec,peers,ndb   which suites run (default all)
 *
 * Every case runs in a child process of its own inside the namespace (`ip
 * netns exec`), so that each has a fresh heap and JIT state and its own
 * peak-RSS mark; see bench/README.md for the method.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  childResult,
  machine,
  runSync,
  toResult,
  withRatios,
  writeReport,
  type Report,
  type Result,
  type Samples,
  type Skipped,
  type Target,
} from './harness.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = fileURLToPath(new URL('.', import.meta.url));

// ---------------------------------------------------------------------------
// Configuration

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

const quick = process.argv.includes('--quick');
const envInt = (name: string, dflt: number): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
};
const config = {
  quick,
  routes: (process.env.BENCH_ROUTES ?? (quick ? '2000' : '100000,1000000')).split(',').map((s) => Number(s.replace(/_/g, ''))).sort((a, b) => a - b),
  runs: envInt('BENCH_RUNS', quick ? 2 : 9),
  /** Fewer runs at 1M and above: each takes seconds. */
  runsLarge: envInt('BENCH_RUNS', quick ? 2 : 7),
  adds: envInt('BENCH_ADDS', quick ? 500 : 10_000),
  perDatagram: envInt('BENCH_PER_DATAGRAM', 64),
  pyroute2Max: envInt('BENCH_PYROUTE2_MAX', 100_000),
  encodeN: quick ? 2000 : 100_000,
  runtime: (flag('runtime') ?? 'bundle') as 'bundle' | 'source',
  suites: (process.env.BENCH_SUITES ?? 'dump,peers,codec,write,ndb').split(','),
  out: flag('out') ?? `${BENCH}results`,
};
for (const n of config.routes) if (!Number.isInteger(n) || n <= 0 || n > 16_000_000) throw new Error(`bad BENCH_ROUTES entry ${n}`);
if (config.runtime !== 'bundle' && config.runtime !== 'source') throw new Error('--runtime is bundle or source');

const log = (...a: unknown[]): void => console.error('[bench]', ...a);

// ---------------------------------------------------------------------------
// Namespaces

const PREFIX = `nlkit-bench-${process.pid}`;
const namespaces = new Set<string>();

const run = runSync;

/** A namespace with a veth pair, `v0` up as 10.0.0.2/24 (the gateway 10.0.0.1 is on its link); returns v0's ifindex. */
function addNamespace(name: string): number {
  run('ip', ['netns', 'add', name]);
  namespaces.add(name);
  run('ip', ['-n', name, '-batch', '-'], [
    'link add v0 type veth peer name v1',
    'link set lo up',
    'link set v0 up',
    'link set v1 up',
    'addr add 10.0.0.2/24 dev v0',
    '',
  ].join('\n'));
  return (JSON.parse(run('ip', ['-n', name, '-j', 'link', 'show', 'v0'])) as { ifindex: number }[])[0]!.ifindex;
}

function deleteNamespace(name: string): void {
  spawnSync('ip', ['netns', 'delete', name]);
  namespaces.delete(name);
}

function cleanup(): void {
  for (const ns of [...namespaces]) deleteNamespace(ns);
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));

/** Adds routes `from`..`to-1` as `11.a.b.c/32 via 10.0.0.1 dev v0`, with `ip -batch`. */
function loadRoutes(ns: string, from: number, to: number): void {
  const CHUNK = 200_000;
  for (let s = from; s < to; s += CHUNK) {
    const lines: string[] = [];
    for (let i = s; i < Math.min(to, s + CHUNK); i++) lines.push(`route add 11.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32 via 10.0.0.1 dev v0`);
    lines.push('');
    run('ip', ['-n', ns, '-batch', '-'], lines.join('\n'));
  }
}

// ---------------------------------------------------------------------------
// Children

let bundlePath: string | undefined;
let koffiPath = '';

async function prepareRuntime(): Promise<void> {
  koffiPath = createRequire(`${ROOT}packages/live/package.json`).resolve('koffi');
  if (config.runtime !== 'bundle') return;
  const { build } = await import('esbuild');
  const dir = mkdtempSync(`${tmpdir()}/nlkit-bench-`);
  bundlePath = `${dir}/child.mjs`;
  await build({
    entryPoints: [`${BENCH}child.ts`],
    outfile: bundlePath,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@nlkit/source'],
    logLevel: 'warning',
    plugins: [{
      name: 'koffi-from-live',
      setup(b) {
        b.onResolve({ filter: /^koffi$/ }, () => ({ path: koffiPath, external: true }));
      },
    }],
  });
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}

interface ChildOut {
  samples?: Samples;
  cases?: { id: string; name: string; floor?: string; samples: Samples }[];
  recorded?: boolean;
}

/** Runs one case in a child process inside `ns`. */
function child(ns: string, which: string, options: Record<string, unknown>): Promise<ChildOut> {
  const node = process.execPath;
  const script = config.runtime === 'bundle'
    ? [node, '--expose-gc', bundlePath!]
    : [node, '--expose-gc', '--conditions=@nlkit/source', '--import', 'tsx', `${BENCH}child.ts`];
  const args = ['netns', 'exec', ns, ...script, which, JSON.stringify(options)];
  const env = { ...process.env, NLKIT_BENCH_KOFFI: koffiPath, NLKIT_KOFFI: koffiPath };
  return childResult<ChildOut>('ip', args, 'BENCH_RESULT ', `case ${which}`, { cwd: ROOT, env });
}

/** Merges the samples of two children of the same case (a floor measured before and after the others). */
function merge(a: Samples, b: Samples): Samples {
  return { ...a, times: [...a.times, ...b.times], peaks: [...a.peaks, ...b.peaks] };
}

// ---------------------------------------------------------------------------
// Peers: whole processes

/** Peak RSS of a command in MiB by `/usr/bin/time -f %M`, or by polling `/proc/<pid>/status` when that is missing. */
async function wholeProcess(cmd: string, args: string[], withTime: boolean): Promise<{ ms: number; peakMiB?: number }> {
  const useTime = withTime && existsSync('/usr/bin/time');
  const [c, a] = useTime ? ['/usr/bin/time', ['-f', 'NLKIT_MAXRSS %M', cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(c, a, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    let polled = 0;
    const poll = withTime && !useTime ? setInterval(() => {
      try {
        const m = /^VmHWM:\s+(\d+)/m.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'));
        if (m) polled = Math.max(polled, Number(m[1]));
      } catch {
        // exited
      }
    }, 10) : undefined;
    p.stderr.on('data', (d: Buffer) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (poll) clearInterval(poll);
      if (code !== 0) return reject(new Error(`${cmd} failed (${code}): ${err.slice(-2000)}`));
      const m = /NLKIT_MAXRSS (\d+)/.exec(err);
      resolve({ ms, ...(m ? { peakMiB: Number(m[1]) / 1024 } : polled ? { peakMiB: polled / 1024 } : {}) });
    });
  });
}

/** Times `runs` runs (after a warm-up) and one more run for the peak RSS. */
async function peer(cmd: string, args: string[], runs: number, items: number): Promise<Samples> {
  await wholeProcess(cmd, args, false);
  const times: number[] = [];
  for (let r = 0; r < runs; r++) times.push((await wholeProcess(cmd, args, false)).ms);
  const m = await wholeProcess(cmd, args, true);
  return { times, peaks: m.peakMiB !== undefined ? [m.peakMiB] : [], items };
}

const PYROUTE2_SCRIPT = `
import socket
from pyroute2 import IPRoute
n = 0
with IPRoute() as ipr:
    for r in ipr.route('dump', family=socket.AF_INET):
        if r.get_attr('RTA_DST') is not None or r.get_attr('RTA_GATEWAY') is not None:
            n += 1
`;

function hasPyroute2(): string | undefined {
  if (!existsSync('/usr/bin/python3')) return 'no /usr/bin/python3';
  const r = spawnSync('/usr/bin/python3', ['-c', 'import pyroute2'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : 'python3-pyroute2 is not installed (apt-get install python3-pyroute2)';
}

function pyroute2Version(): string {
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'python3-pyroute2'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '?';
}

// ---------------------------------------------------------------------------

/**
 * Two estimates of a row's ratio: to the floor's own processes (medians of
 * each), and to a floor run beside each run in the same process (median of
 * the run-by-run ratios). A target is held to the worse of them; `both`
 * says so in its name.
 */
function worseRatio(r: Result): { value: number; both: string } {
  const both = r.pairedRatio === undefined ? '' : ` (the worse of ${r.ratio!.toFixed(2)}× to the floor's own runs and ${r.pairedRatio.toFixed(2)}× to the floor run beside each run)`;
  return { value: Math.max(r.ratio!, r.pairedRatio ?? 0), both };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('pnpm bench needs root: it creates network namespaces and adds routes');
  const started = Date.now();
  const loadBefore = loadavg()[0]!;
  await prepareRuntime();
  const results: Result[] = [];
  const skipped: Skipped[] = [];
  const notes: string[] = [];
  const targets: Target[] = [];
  const want = (s: string): boolean => config.suites.includes(s);

  // -- Dump ------------------------------------------------------------------
  if (want('dump') || want('peers') || want('codec')) {
    const ns = `${PREFIX}-dump`;
    addNamespace(ns);
    let loaded = 0;
    let codecDone = false;
    for (const n of config.routes) {
      const t0 = Date.now();
      loadRoutes(ns, loaded, n);
      loaded = n;
      log(`namespace holds ${n.toLocaleString('en')} routes (+3 of the kernel's own), loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const runs = n >= 1_000_000 ? config.runsLarge : config.runs;
      let floorItems = n;
      if (want('dump')) {
        const cases: [string, string][] = [
          ['dump-stream', 'nlkit engine, lazy views, dst+gateway read as each batch arrives (dumpBatches), the batches put in one array at the end'],
          ['dump-stream-push', 'the same with each route pushed into one array as it is read'],
          ['dump-stream-nothread', 'the same as the first with receiveThread: false (every read on the main thread)'],
          ['dump-list-stream', "nlkit engine, MessageList per batch (lazy: 'list'), dst+gateway read as each arrives, joined (MessageList.concat)"],
          ['dump-list', "nlkit engine, one MessageList (dumpAll, lazy: 'list'), dst+gateway read after the dump"],
          ['dump-list-untouched', "nlkit engine, one MessageList (dumpAll, lazy: 'list'), attributes untouched"],
          ['dump-lazy', 'nlkit engine, lazy views, dst+gateway read after the dump (dumpAll)'],
          ['dump-lazy-iter', 'nlkit engine, lazy views, dst+gateway read, for await over dump()'],
          ['dump-eager', 'nlkit engine, eager decode to objects'],
          ['dump-untouched', 'nlkit engine, lazy views, attributes untouched'],
          ['dump-transport', 'diagnostic: live transport + lazy views, no engine, dst+gateway read'],
        ];
        log(`dump N=${n}: floor`);
        const f1 = (await child(ns, 'dump-floor', { runs })).samples!;
        const rows: Result[] = [];
        for (const [id, name] of cases) {
          log(`dump N=${n}: ${id}`);
          const s = (await child(ns, id, { runs, pairFloor: true })).samples!;
          // Memory from a fresh process doing one dump and holding it, as a program calling getRoutes once would:
          // repeated runs in one process keep the heap and malloc arenas of the earlier ones.
          const cold = (await child(ns, id, { runs: 1, warmup: 0 })).samples!;
          rows.push(toResult('dump', id, name, { ...s, peaks: cold.peaks, heldRssMiB: cold.heldRssMiB, baseRssMiB: cold.baseRssMiB }, { floor: 'dump-floor' }));
        }
        log(`dump N=${n}: floor again`);
        const f2 = (await child(ns, 'dump-floor', { runs })).samples!;
        const floor = merge(f1, f2);
        floorItems = floor.items;
        results.push(toResult('dump', 'dump-floor', 'floor: koffi socket/bind/send/recv, 32 KiB buffer, nlmsghdr walk', floor, { note: 'measured before and after the nlkit cases' }), ...rows);
      }
      if (want('peers')) {
        log(`dump N=${n}: ip -j route`);
        const ipS = await peer('ip', ['-n', ns, '-4', '-j', 'route', 'show', 'table', 'all'], Math.min(runs, 5), floorItems);
        results.push(toResult('dump', 'peer-ip', 'ip -4 -j route show table all', ipS, { floor: 'dump-floor', wholeProcess: true }));
        const why = hasPyroute2();
        if (why) skipped.push({ suite: 'dump', id: 'peer-pyroute2', reason: why });
        else if (n > config.pyroute2Max) {
          skipped.push({ suite: 'dump', id: 'peer-pyroute2', reason: `N=${n.toLocaleString('en')} is above BENCH_PYROUTE2_MAX=${config.pyroute2Max.toLocaleString('en')}: pyroute2 takes about a minute per 1M-route dump and several GiB, so it runs at the smaller N only` });
        } else {
          log(`dump N=${n}: pyroute2`);
          const py = await peer('ip', ['netns', 'exec', ns, '/usr/bin/python3', '-c', PYROUTE2_SCRIPT], Math.min(runs, 3), floorItems);
          results.push(toResult('dump', 'peer-pyroute2', `pyroute2 ${pyroute2Version()} IPRoute.route('dump'), RTA_DST/RTA_GATEWAY read`, py, { floor: 'dump-floor', wholeProcess: true }));
        }
        if (!existsSync(`${ROOT}node_modules/netlink`) && !skipped.some((x) => x.id === 'peer-netlink-npm')) {
          skipped.push({ suite: 'dump', id: 'peer-netlink-npm', reason: 'the `netlink` npm package is not installed (not a dependency of this repository)' });
        }
      }
      if (want('codec') && !codecDone && (n >= Math.min(100_000, config.routes[config.routes.length - 1]!))) {
        log(`codec: recording the ${n.toLocaleString('en')}-route dump`);
        const c = await child(ns, 'codec', { runs: config.runs, encodeN: config.encodeN });
        for (const k of c.cases!) results.push(toResult('codec', k.id, k.name, k.samples, k.floor ? { floor: k.floor } : {}));
        notes.push(`codec suite: a ${c.recorded ? 'recorded' : 'synthetic'} dump of ${n.toLocaleString('en')} routes held in memory`);
        codecDone = true;
      }
    }
    deleteNamespace(ns);
  }

  // -- Write -----------------------------------------------------------------
  if (want('write')) {
    const opts = { runs: config.runs, count: config.adds, gateway: '10.0.0.1', perDatagram: config.perDatagram };
    const fresh = async (id: string): Promise<Samples> => {
      const ns = `${PREFIX}-w-${id}`;
      const oif = addNamespace(ns);
      try {
        log(`write: ${id}`);
        // The nlkit cases with the floor's adds timed beside each run (the floors' own rows stay as they were).
        return (await child(ns, id, { ...opts, oif, ...(id.startsWith('add-floor') ? {} : { pairFloor: true }) })).samples!;
      } finally {
        deleteNamespace(ns);
      }
    };
    const seq1 = await fresh('add-floor-seq');
    const bat1 = await fresh('add-floor-batch');
    const seq = await fresh('add-seq');
    const bat = await fresh('add-batch');
    const hand = await fresh('add-batch-hand');
    const apply = await fresh('add-batch-apply');
    const seqObjects = await fresh('add-seq-objects');
    const batObjects = await fresh('add-batch-objects');
    const seq2 = await fresh('add-floor-seq');
    const bat2 = await fresh('add-floor-batch');
    results.push(
      toResult('write', 'add-floor-seq', 'floor: koffi, one request + ACK at a time', merge(seq1, seq2), { note: 'measured before and after the nlkit cases' }),
      toResult('write', 'add-floor-batch', `floor: koffi, ${config.perDatagram} requests per datagram`, merge(bat1, bat2), { note: 'measured before and after the nlkit cases' }),
      toResult('write', 'add-seq', 'nlkit engine: await channel.request() per route', seq, { floor: 'add-floor-seq' }),
      toResult('write', 'add-batch', `nlkit compiled batch: Batch.addMessage, then applyBatch (continue mode, ${config.perDatagram} per datagram) over LiveTransport`, bat, { floor: 'add-floor-batch' }),
      toResult('write', 'add-batch-apply', `the same batch compiled before the clock starts (offline, as an IPBatch is): applyBatch alone`, apply, { floor: 'add-floor-batch' }),
      toResult('write', 'add-batch-hand', `diagnostic: the same requests written into one buffer and sent ${config.perDatagram} per datagram over LiveTransport by hand, no applyBatch`, hand, { floor: 'add-floor-batch' }),
      toResult('write', 'add-seq-objects', 'bound: the sequential floor with each request made as an object (dotted-quad strings) and written by a hand-made encoder for this one message; no nlkit code', seqObjects, { floor: 'add-floor-seq' }),
      toResult('write', 'add-batch-objects', `bound: the batched floor with the requests made as objects and written so, all before the first datagram (compile, then apply); no nlkit code`, batObjects, { floor: 'add-floor-batch' }),
    );
  }

  withRatios(results);

  // -- ndb: memory held per route and link, time to load and to stay in sync --
  if (want('ndb')) {
    const { ndbBench } = await import('./ndb.js');
    results.push(...(await ndbBench({ routes: quick ? 2000 : 100_000, links: quick ? 100 : 1000, runs: quick ? 2 : 5, log })));
  }

  // -- Targets ---------------------------------------------------------------
  for (const r of results) {
    if (r.suite === 'dump' && r.id === 'dump-stream' && r.ratio !== undefined) {
      const { value, both } = worseRatio(r);
      targets.push({ name: `dump + typed objects (lazy views, dst+gateway read as they arrive, all held in one array) at N=${Math.round(r.n / 1000)}k, ratio to floor${both}`, value, limit: 1.3, unit: '×', holds: value <= 1.3 });
      if (r.n >= 1_000_000 && r.peakRssMiB !== undefined) {
        targets.push({ name: `peak RSS with ${(r.n / 1e6).toFixed(0)}M decoded routes held (as MessageViews)`, value: r.peakRssMiB, limit: 250, unit: 'MiB', holds: r.peakRssMiB <= 250 });
      }
    }
    if ((r.id === 'add-seq' || r.id === 'add-batch') && r.ratio !== undefined) {
      const { value, both } = worseRatio(r);
      const name = r.id === 'add-seq' ? 'sequential adds, ratio to the sequential floor' : `batched adds (${config.perDatagram}/datagram), ratio to the batched floor`;
      targets.push({ name: `${name}${both}`, value, limit: 1.1, unit: '×', holds: value <= 1.1 });
    }
  }

  notes.push(
    config.runtime === 'bundle'
      ? 'children ran an esbuild bundle of bench/child.ts and the package sources (ES2022, no keepNames): the same code tsc emits to dist, without tsx\'s loader thread or `__name` wrappers'
      : 'children ran the TypeScript sources through tsx',
    `whole run took ${((Date.now() - started) / 1000).toFixed(0)} s; 1-minute load average ${loadBefore.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end (on ${machine().cpus} CPUs: the bench itself accounts for ~1; above that, other work shared the machine and the absolute times are noisier)`,
  );
  const report: Report = {
    date: new Date().toISOString(),
    machine: machine(),
    config: { ...config, out: undefined, medianOf: `${config.runs} runs (${config.runsLarge} at N ≥ 1M), after 1 warm-up` } as unknown as Record<string, unknown>,
    results,
    targets,
    skipped,
    notes,
  };
  delete (report.config as Record<string, unknown>).out;
  const files = writeReport(config.out, report);
  console.log(readFileSync(files.md, 'utf8'));
  log(`wrote ${files.json} and ${files.md}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.stack ?? e.message : e);
    process.exit(1);
  },
);

