/**
 * One measured case in its own process (started by `run.ts`, inside the
 * benchmark's network namespace): a fresh heap, its own JIT state and its
 * own peak-RSS mark. Prints one `BENCH_RESULT <json>` line.
 *
 *   node child.js <case> '<json options>'
 */
import type { Batch } from '@nlkit/batch';
import { MessageList } from '@nlkit/core';
import { openNetlink } from '@nlkit/live';
import { codecSuite, recordRouteDump, syntheticRouteDump } from './codec.js';
import { FloorSocket, dottedNumber, floorAddBatched, floorAddBatchedObjects, floorAddSequential, floorAddSequentialObjects, floorDump } from './floor.js';
import { sample, type Samples } from './harness.js';
import { addCompiledBatch, addHandBatch, addSequential, applyRouteBatch, compileRouteBatch, channel, checksum, dumpEager, dumpLazy, dumpLazyIterated, dumpLazyStreamed, dumpLazyStreamedPush, dumpList, dumpListStreamed, dumpTransportViews } from './nlkit.js';

interface Options {
  runs: number;
  /** Warm-up runs before the measured ones (default 1); 0 for a cold, memory-only measurement. */
  warmup?: number;
  /** Write cases: routes per run, gateway, output interface, requests per datagram. */
  count?: number;
  gateway?: string;
  oif?: number;
  perDatagram?: number;
  /** Codec case: requests to encode; routes of a synthetic dump when no namespace is recorded. */
  encodeN?: number;
  synthetic?: number;
  /** nlkit cases: time the floor beside every run (see `sample`'s `pair`): a floor dump for a dump case, the floor's adds for a write case. */
  pairFloor?: boolean;
}

const RESULT = 'BENCH_RESULT ';

/** The engine's dump cases by id: what one run does with the channel. */
const ENGINE_DUMPS: Record<string, { run: (ch: ReturnType<typeof channel>) => Promise<unknown>; receiveThread?: boolean }> = {
  'dump-lazy': { run: (ch) => dumpLazy(ch, true) },
  'dump-untouched': { run: (ch) => dumpLazy(ch, false) },
  'dump-stream': { run: (ch) => dumpLazyStreamed(ch) },
  'dump-stream-nothread': { run: (ch) => dumpLazyStreamed(ch), receiveThread: false },
  'dump-stream-push': { run: (ch) => dumpLazyStreamedPush(ch) },
  'dump-list-stream': { run: (ch) => dumpListStreamed(ch) },
  'dump-list': { run: (ch) => dumpList(ch, true) },
  'dump-list-untouched': { run: (ch) => dumpList(ch, false) },
  'dump-lazy-iter': { run: (ch) => dumpLazyIterated(ch) },
  'dump-eager': { run: (ch) => dumpEager(ch) },
};

function emit(x: unknown): void {
  process.stdout.write(RESULT + JSON.stringify(x) + '\n');
}

const count = (r: unknown): number => (Array.isArray(r) || r instanceof MessageList ? r.length : typeof r === 'number' ? r : NaN);

/** Big-endian 32-bit number of a dotted quad. */
function ipNumber(s: string): number {
  const n = dottedNumber(s);
  if (n < 0) throw new Error(`not a dotted-quad IPv4 address: ${s}`);
  return n;
}

/** Route adds of warm-up and runs go to distinct /16s, so none collides: run r uses 12.(r+1).x.y. */
const runNo = (r: number): number => (r + 1) & 255;
/** Added to {@link runNo} for the floor's adds beside a write case's runs, so that their routes differ from the case's own. */
const PAIR_RUNS = 128;

async function main(): Promise<void> {
  const [, , which, json] = process.argv;
  const o = JSON.parse(json ?? '{}') as Options;
  const runs = o.runs;
  // Forced full GCs between runs keep each run's peak RSS its own; the write
  // cases are not about memory, and there a forced GC before each short run
  // slows whatever allocates (the floor does not) in a way a running program
  // never sees: they run back to back (see bench/README.md).
  const writeCase = which?.startsWith('add-') === true;
  // The floor beside each nlkit run: its own socket, the same namespace
  // (for adds, the same table, growing with both), its own run numbers.
  const pairSock = o.pairFloor === true && which !== 'dump-floor' && which !== 'add-floor-seq' && which !== 'add-floor-batch' ? new FloorSocket() : undefined;
  let pair: ((r: number) => number) | undefined;
  if (pairSock !== undefined) {
    const gw = o.gateway === undefined ? 0 : ipNumber(o.gateway);
    if (which === 'add-seq' || which === 'add-seq-objects') pair = (r) => floorAddSequential(pairSock, PAIR_RUNS + runNo(r), o.count!, gw, o.oif!);
    else if (which === 'add-batch' || which === 'add-batch-hand' || which === 'add-batch-apply' || which === 'add-batch-objects') pair = (r) => floorAddBatched(pairSock, PAIR_RUNS + runNo(r), o.count!, gw, o.oif!, o.perDatagram!);
    else pair = (r) => floorDump(pairSock, 1_000_000 + r);
  }
  const warm = { warmup: o.warmup ?? 1, gcBetween: !writeCase, ...(pair ? { pair } : {}) };
  let s: Samples;
  const engineDump = which !== undefined && Object.hasOwn(ENGINE_DUMPS, which) ? ENGINE_DUMPS[which]! : undefined;
  switch (engineDump !== undefined ? 'engine-dump' : which) {
    case 'engine-dump': {
      // The engine's dump cases: a channel (with or without the receive thread), one dump per run.
      const ch = channel(engineDump!.receiveThread ?? true);
      s = await sample(count, () => engineDump!.run(ch), runs, warm);
      await ch.close();
      break;
    }
    case 'dump-floor': {
      const sock = new FloorSocket();
      s = await sample(count, (r) => floorDump(sock, r + 10), runs, warm);
      sock.close();
      break;
    }
    case 'dump-transport': {
      const t = openNetlink();
      s = await sample(count, (r) => dumpTransportViews(t, r + 10), runs, warm);
      await t.close();
      break;
    }
    case 'add-floor-seq':
    case 'add-floor-batch': {
      const sock = new FloorSocket();
      const gw = ipNumber(o.gateway!);
      s = await sample(count, (r) =>
        which === 'add-floor-seq' ? floorAddSequential(sock, runNo(r), o.count!, gw, o.oif!) : floorAddBatched(sock, runNo(r), o.count!, gw, o.oif!, o.perDatagram!), runs, warm);
      sock.close();
      break;
    }
    case 'add-seq-objects':
    case 'add-batch-objects': {
      // The floors with request objects: what an API taking objects pays before any library code.
      const sock = new FloorSocket();
      s = await sample(count, (r) =>
        which === 'add-seq-objects'
          ? floorAddSequentialObjects(sock, runNo(r), o.count!, o.gateway!, o.oif!)
          : floorAddBatchedObjects(sock, runNo(r), o.count!, o.gateway!, o.oif!, o.perDatagram!), runs, warm);
      sock.close();
      break;
    }
    case 'add-seq': {
      const ch = channel();
      s = await sample(count, (r) => addSequential(ch, runNo(r), o.count!, o.gateway!, o.oif!), runs, warm);
      await ch.close();
      break;
    }
    case 'add-batch':
    case 'add-batch-hand': {
      const t = openNetlink();
      const add = which === 'add-batch' ? addCompiledBatch : addHandBatch;
      s = await sample(count, (r) => add(t, runNo(r), o.count!, o.gateway!, o.oif!, o.perDatagram!), runs, warm);
      await t.close();
      break;
    }
    case 'add-batch-apply': {
      // The batch of each run compiled before its clock starts: the apply alone is timed.
      const t = openNetlink();
      s = await sample<Batch>(count, (_r, batch) => applyRouteBatch(t, batch, o.perDatagram!), runs, {
        ...warm,
        prepare: (r) => compileRouteBatch(runNo(r), o.count!, o.gateway!, o.oif!),
      });
      await t.close();
      break;
    }
    case 'codec': {
      const grams = o.synthetic ? syntheticRouteDump(o.synthetic) : await recordRouteDump();
      const cases = await codecSuite(grams, runs, o.encodeN ?? 100_000);
      emit({ cases, recorded: !o.synthetic });
      return;
    }
    default:
      throw new Error(`unknown case ${which}`);
  }
  pairSock?.close();
  emit({ samples: s, checksum });
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
