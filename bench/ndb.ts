/**
 * The `@nlkit/ndb` benchmark: what the database costs to hold a namespace of
 * 100k routes and 1k links (loaded with `ip -batch`), against the bytes the
 * kernel's own dumps of them take, and how fast it loads and keeps up.
 *
 *   node --conditions=@nlkit/source --import tsx bench/ndb.ts            # 100k routes, 1k links
 *   NDB_ROUTES=20000 NDB_LINKS=200 node ... bench/ndb.ts --quick
 *
 * `ndbBench()` returns rows in the shape of `bench/harness.ts`'s `Result`
 * (suite `ndb`), for `bench/run.ts` to add to its report. Needs root.
 *
 * Every measurement runs in a child process of its own (this file with
 * `--child`), with `--expose-gc`, so that each heap starts empty:
 *
 * - memory held: `heapUsed + external` after a full GC, before and after
 *   `NDB.open` (the modules, sockets and code paths warmed up first on a
 *   one-kind open), for routes alone, links alone, and everything; next to
 *   it the bytes of the kernel's dump messages for the same objects (the
 *   requests the database sends, counted from `nlmsg_len`);
 * - load: `NDB.open` of every kind, median of runs;
 * - staying in sync: `ip -batch` adds 10k routes in another process while
 *   the database follows its events; the time until `db.sync()` (a barrier
 *   on the event socket) says the view holds them all, and how far behind
 *   the writer's exit that was;
 * - resync: a whole resynchronisation (what an overrun triggers), re-dump and
 *   diff, median of runs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { childResult, median, runSync, type Result } from './harness.js';

const SELF = fileURLToPath(import.meta.url);

/** Options of {@link ndbBench}. */
export interface NdbBenchOptions {
  /** Routes in the namespace. Default 100 000 (`NDB_ROUTES`). */
  routes?: number;
  /** Links in the namespace (veth pairs, so an even number). Default 1000 (`NDB_LINKS`). */
  links?: number;
  /** Measured runs of the timed cases. Default 5 (`NDB_RUNS`). */
  runs?: number;
  /** Route adds the sync case makes per run. Default 10 000. */
  changes?: number;
  /** Progress lines go here. Default stderr. */
  log?: (...a: unknown[]) => void;
}

/** A row with the memory figures as numbers too. */
export interface NdbResult extends Result {
  /** Bytes held per item (process-measured: heap + external after GC). */
  bytesPerItem?: number;
  /** Bytes of the kernel's dump messages per item. */
  kernelBytesPerItem?: number;
  /** `bytesPerItem / kernelBytesPerItem`. */
  ratioToKernel?: number;
}

interface ChildMemory {
  items: number;
  heldBytes: number;
  storeBytes: number;
  payloadBytes: number;
  kernelBytes: number;
  loadMs: number;
  heldRssMiB: number;
  baseRssMiB: number;
  peakRssMiB: number;
}

const run = runSync;

function child<T>(which: string, options: Record<string, unknown>): Promise<T> {
  const args = ['--expose-gc', '--conditions=@nlkit/source', '--import', 'tsx', SELF, '--child', which, JSON.stringify(options)];
  return childResult<T>(process.execPath, args, 'NDB_RESULT ', `ndb bench case ${which}`);
}

/**
 * Builds a namespace of `routes` routes and `links` links with `ip -batch`,
 * measures the database on it (each case in a fresh child process), deletes
 * the namespace, and returns the rows.
 */
export async function ndbBench(options: NdbBenchOptions = {}): Promise<NdbResult[]> {
  if (process.getuid?.() !== 0) throw new Error('the ndb benchmark needs root: it creates a network namespace');
  const env = (k: string, d: number): number => (process.env[k] ? Number(process.env[k]) : d);
  const routes = options.routes ?? env('NDB_ROUTES', 100_000);
  const links = Math.max(2, (options.links ?? env('NDB_LINKS', 1000)) & ~1);
  const runs = options.runs ?? env('NDB_RUNS', 5);
  const changes = options.changes ?? Math.min(10_000, routes);
  const log = options.log ?? ((...a: unknown[]) => console.error('[ndb bench]', ...a));
  const ns = `nlkit-bench-ndb-${process.pid}`;
  run('ip', ['netns', 'add', ns]);
  const cleanup = (): void => {
    spawnSync('ip', ['netns', 'delete', ns]);
  };
  process.on('exit', cleanup);
  try {
    const t0 = Date.now();
    const setup = ['link set lo up', 'link add v0 type veth peer name v1', 'link set v0 up', 'link set v1 up', 'addr add 10.0.0.2/24 dev v0'];
    for (let i = 0; i < (links - 2) / 2; i++) setup.push(`link add lk${i} type veth peer name lk${i}p`);
    run('ip', ['-n', ns, '-batch', '-'], `${setup.join('\n')}\n`);
    for (let s = 0; s < routes; s += 200_000) {
      const lines: string[] = [];
      for (let i = s; i < Math.min(routes, s + 200_000); i++) lines.push(`route add 11.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32 via 10.0.0.1 dev v0`);
      run('ip', ['-n', ns, '-batch', '-'], `${lines.join('\n')}\n`);
    }
    log(`namespace ${ns}: ${routes.toLocaleString('en')} routes, ${links} links, loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const rows: NdbResult[] = [];
    const mem = async (id: string, name: string, kinds: string[] | undefined): Promise<void> => {
      log(`memory: ${id}`);
      const m = await child<ChildMemory>('memory', { ns, kinds });
      const per = m.heldBytes / m.items;
      const kper = m.kernelBytes / m.items;
      rows.push({
        suite: 'ndb',
        id,
        name,
        n: m.items,
        ms: m.loadMs,
        usPerItem: (m.loadMs * 1000) / m.items,
        runs: 1,
        times: [m.loadMs],
        heldRssMiB: m.heldRssMiB,
        baseRssMiB: m.baseRssMiB,
        peakRssMiB: m.peakRssMiB,
        bytesPerItem: per,
        kernelBytesPerItem: kper,
        ratioToKernel: per / kper,
        note: `held ${(m.heldBytes / 2 ** 20).toFixed(1)} MiB = ${per.toFixed(0)} B/item (store ${(m.storeBytes / m.items).toFixed(0)} B/item, payload ${(m.payloadBytes / m.items).toFixed(0)} B/item) for ${(m.kernelBytes / 2 ** 20).toFixed(1)} MiB of kernel dump messages = ${kper.toFixed(0)} B/item: ${(per / kper).toFixed(2)}× the kernel's bytes`,
      });
    };
    await mem('ndb-mem-routes', `memory held per route (${routes.toLocaleString('en')} routes, kinds: route)`, ['route']);
    await mem('ndb-mem-links', `memory held per link (${links} links, kinds: interface)`, ['interface']);
    await mem('ndb-mem-all', `memory held, every kind (${routes.toLocaleString('en')} routes + ${links} links + the rest)`, undefined);

    log('load');
    const load = await child<{ times: number[]; items: number }>('load', { ns, runs });
    const lm = median(load.times);
    rows.push({ suite: 'ndb', id: 'ndb-load', name: 'NDB.open: subscribe, dump every kind, apply buffered events', n: load.items, ms: lm, usPerItem: (lm * 1000) / load.items, runs: load.times.length, times: load.times });

    log('sync');
    const sync = await child<{ times: number[]; lags: number[]; writer: number[]; events: number; overruns: number }>('sync', { ns, runs, changes });
    const sm = median(sync.times);
    rows.push({
      suite: 'ndb',
      id: 'ndb-sync',
      name: `stay in sync: ip -batch adds ${changes.toLocaleString('en')} routes in another process, until db.sync() shows them all`,
      n: changes,
      ms: sm,
      usPerItem: (sm * 1000) / changes,
      runs: sync.times.length,
      times: sync.times,
      note: `the writer (ip -batch) itself took ${median(sync.writer).toFixed(0)} ms; the view trailed its exit by ${median(sync.lags).toFixed(1)} ms (median); ${sync.events.toLocaleString('en')} events applied, ${sync.overruns} overruns`,
    });

    log('resync');
    const rs = await child<{ times: number[]; items: number }>('resync', { ns, runs });
    const rm = median(rs.times);
    rows.push({ suite: 'ndb', id: 'ndb-resync', name: 'resync (what an overrun triggers): re-dump every kind, diff, swap', n: rs.items, ms: rm, usPerItem: (rm * 1000) / rs.items, runs: rs.times.length, times: rs.times });
    return rows;
  } finally {
    cleanup();
    process.off('exit', cleanup);
  }
}

// ---------------------------------------------------------------------------
// Children

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with --expose-gc');
  g();
  g();
}

function statusMiB(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function childMain(which: string, opts: { ns: string; kinds?: string[]; runs?: number; changes?: number }): Promise<unknown> {
  const { NDB } = await import('@nlkit/ndb');
  const { openNetlink } = await import('@nlkit/live');
  const { NetlinkChannel } = await import('@nlkit/transport');
  const { rtnl, linkRequest, routeRequest } = await import('@nlkit/rtnl');
  type Kind = import('@nlkit/ndb').ObjectKind;
  const kinds = opts.kinds as Kind[] | undefined;

  // Warm the modules, the native library and the code paths (JIT code is heap too) with a whole open first.
  {
    const warm = await NDB.open({ netns: opts.ns, ...(kinds ? { kinds } : {}) });
    await warm.close();
  }

  if (which === 'memory') {
    // The kernel's own bytes for the same objects: the dumps the database sends, their nlmsg_len summed.
    const channel = new NetlinkChannel(openNetlink({ netns: opts.ns, strictCheck: true }), rtnl);
    let kernelBytes = 0;
    const count = async (msg: unknown): Promise<void> => {
      for await (const m of channel.dump(msg as never, { lazy: true, retries: 3 })) kernelBytes += m.len;
    };
    const want = (k: Kind): boolean => kinds === undefined || kinds.includes(k);
    if (want('interface')) await count(linkRequest('dump', { extMask: ['skipStats'] }).message);
    if (want('route')) {
      await count(routeRequest('dump', { family: 'inet' }).message);
      await count(routeRequest('dump', { family: 'inet6' }).message);
    }
    await channel.close();
    gc();
    const base = statusMiB('VmRSS');
    const m0 = process.memoryUsage();
    const t0 = performance.now();
    const db = await NDB.open({ netns: opts.ns, ...(kinds ? { kinds } : {}) });
    const loadMs = performance.now() - t0;
    await db.sync();
    gc();
    const m1 = process.memoryUsage();
    const held = statusMiB('VmRSS');
    const [s] = db.stats();
    const items = kinds === undefined ? Object.values(s!.records).reduce((a, b) => a + b, 0) : kinds.reduce((a, k) => a + s!.records[k], 0);
    const out: ChildMemory = {
      items,
      heldBytes: m1.heapUsed - m0.heapUsed + (m1.external - m0.external),
      storeBytes: s!.storeBytes,
      payloadBytes: s!.payloadBytes,
      kernelBytes,
      loadMs,
      heldRssMiB: held,
      baseRssMiB: base,
      peakRssMiB: statusMiB('VmHWM'),
    };
    if (kinds === undefined) {
      // Every kind: count the kernel's bytes of the rest too, from a dump of each.
      const ch = new NetlinkChannel(openNetlink({ netns: opts.ns, strictCheck: true }), rtnl);
      const { addrRequest, ruleRequest, neighRequest, fdbRequest } = await import('@nlkit/rtnl');
      let all = 0;
      for (const msg of [
        linkRequest('dump', { extMask: ['skipStats'] }).message,
        addrRequest('dump').message,
        routeRequest('dump', { family: 'inet' }).message,
        routeRequest('dump', { family: 'inet6' }).message,
        ruleRequest('dump', { family: 'inet' }).message,
        ruleRequest('dump', { family: 'inet6' }).message,
        neighRequest('dump', { family: 'inet' }).message,
        neighRequest('dump', { family: 'inet6' }).message,
        fdbRequest('dump').message,
      ]) {
        for await (const m of ch.dump(msg as never, { lazy: true, retries: 3 })) all += m.len;
      }
      await ch.close();
      out.kernelBytes = all;
    }
    await db.close();
    return out;
  }

  if (which === 'load') {
    const times: number[] = [];
    let items = 0;
    for (let r = -1; r < (opts.runs ?? 5); r++) {
      gc();
      const t0 = performance.now();
      const db = await NDB.open({ netns: opts.ns });
      const ms = performance.now() - t0;
      items = Object.values(db.stats()[0]!.records).reduce((a, b) => a + b, 0);
      await db.close();
      if (r >= 0) times.push(ms);
    }
    return { times, items };
  }

  if (which === 'sync') {
    const { spawn: sp } = await import('node:child_process');
    const db = await NDB.open({ netns: opts.ns });
    const n = opts.changes ?? 10_000;
    const times: number[] = [];
    const lags: number[] = [];
    const writer: number[] = [];
    const batch = (lines: string[]): Promise<number> =>
      new Promise((resolve, reject) => {
        const t = performance.now();
        const p = sp('ip', ['-n', opts.ns, '-batch', '-'], { stdio: ['pipe', 'ignore', 'inherit'] });
        p.on('error', reject);
        p.on('close', (code) => (code === 0 ? resolve(performance.now() - t) : reject(new Error(`ip -batch exited ${code}`))));
        p.stdin.end(`${lines.join('\n')}\n`);
      });
    for (let r = -1; r < (opts.runs ?? 5); r++) {
      const adds: string[] = [];
      for (let i = 0; i < n; i++) adds.push(`route add 12.${r + 1}.${(i >> 8) & 255}.${i & 255}/32 via 10.0.0.1 dev v0`);
      const before = db.routes.size;
      const t0 = performance.now();
      const w = await batch(adds);
      const t1 = performance.now();
      await db.sync();
      const t2 = performance.now();
      if (db.routes.size !== before + n) throw new Error(`the view holds ${db.routes.size - before} of the ${n} routes added`);
      if (r >= 0) {
        times.push(t2 - t0);
        lags.push(t2 - t1);
        writer.push(w);
      }
      await batch(adds.map((l) => l.replace('route add', 'route del')));
      await db.sync();
    }
    const s = db.stats()[0]!;
    await db.close();
    return { times, lags, writer, events: s.events, overruns: s.overruns };
  }

  if (which === 'resync') {
    const db = await NDB.open({ netns: opts.ns });
    const src = db.sources.get(db.sources.names[0]!)!;
    const times: number[] = [];
    for (let r = -1; r < (opts.runs ?? 5); r++) {
      gc();
      const t0 = performance.now();
      src.resync('bench');
      await src.idle();
      if (r >= 0) times.push(performance.now() - t0);
    }
    const items = Object.values(db.stats()[0]!.records).reduce((a, b) => a + b, 0);
    await db.close();
    return { times, items };
  }
  throw new Error(`unknown case ${which}`);
}

// ---------------------------------------------------------------------------

const isMain = process.argv[1] !== undefined && fileURLToPath(new URL(`file://${process.argv[1]}`)) === SELF;
if (isMain) {
  const ci = process.argv.indexOf('--child');
  if (ci >= 0) {
    childMain(process.argv[ci + 1]!, JSON.parse(process.argv[ci + 2]!) as { ns: string }).then(
      (r) => {
        console.log(`NDB_RESULT ${JSON.stringify(r)}`);
        process.exit(0);
      },
      (e: unknown) => {
        console.error(e instanceof Error ? e.stack : e);
        process.exit(1);
      },
    );
  } else {
    const quick = process.argv.includes('--quick');
    ndbBench(quick ? { routes: Number(process.env.NDB_ROUTES ?? 20_000), links: Number(process.env.NDB_LINKS ?? 200), runs: 2 } : {}).then(
      (rows) => {
        for (const r of rows) {
          console.log(`${r.id.padEnd(15)} n=${String(r.n).padStart(7)}  ${r.ms.toFixed(1).padStart(8)} ms  ${r.usPerItem.toFixed(2).padStart(7)} µs/item${r.note ? `  ${r.note}` : ''}`);
        }
        console.log(JSON.stringify(rows, null, 2));
        process.exit(0);
      },
      (e: unknown) => {
        console.error(e instanceof Error ? e.stack : e);
        process.exit(1);
      },
    );
  }
}
