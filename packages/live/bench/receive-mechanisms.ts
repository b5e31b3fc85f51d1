/**
 * Measures the candidate ways of receiving netlink datagrams without blocking
 * Node's event loop, for MEASUREMENTS.md:
 *
 *   (a) koffi async `poll()` (libuv threadpool) on the socket and an eventfd,
 *       then non-blocking `recvfrom(MSG_DONTWAIT)` drains on the main thread;
 *   (b) koffi async blocking `recvfrom()` (libuv threadpool);
 *   (c) libuv's own epoll (`uv_poll_t` through `koffi.node.poll`) plus
 *       non-blocking drains on the main thread — what LiveTransport does.
 *
 * Run as root from the repo root:
 *   node --conditions=@nlkit/source --import tsx packages/live/bench/receive-mechanisms.ts
 *
 * Everything netlink-visible happens in a temporary network namespace.
 */
import koffi from 'koffi';
import { readFile } from 'node:fs/promises';
import { execFileSync, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { isOverrun } from '@nlkit/transport';
import { koffiLibc, openNetlink, runInNetns, withTempNetns } from '../src/index.js';
import type { ReadableWatch } from '../src/index.js';

const AF_NETLINK = 16;
const SOCK_RAW_CLOEXEC = 3 | 0o2000000;
const MSG_DONTWAIT = 0x40;
const MSG_PEEK = 0x02;
const MSG_TRUNC = 0x20;
const POLLIN = 1;
const EFD_CLOEXEC_NONBLOCK = 0o2000000 | 0o4000;

const libc = koffiLibc();
const c = koffi.load('libc.so.6');
const PollFd = koffi.struct({ fd: 'int', events: 'short', revents: 'short' });
const PollPair = koffi.struct({ sock: PollFd, wake: PollFd });
interface PollFdValue { fd: number; events: number; revents: number }
interface PollPairValue { sock: PollFdValue; wake: PollFdValue }
type Callback<T> = (err: unknown, value: T) => void;
const pollFn = c.func('poll', 'int', [koffi.inout(koffi.pointer(PollPair)), 'unsigned long', 'int']);
const pollAsync = pollFn.async as (fds: PollPairValue, n: number, timeout: number, cb: Callback<number>) => void;
const recvfromFn = c.func('intptr_t recvfrom(int fd, void *buf, size_t len, int flags, void *addr, void *addrlen)');
const recvfrom = recvfromFn as (fd: number, buf: Uint8Array, len: number, flags: number, a: null, b: null) => number;
const recvAsync = recvfromFn.async as (fd: number, buf: Uint8Array, len: number, flags: number, a: null, b: null, cb: Callback<number>) => void;
const eventfd = c.func('int eventfd(unsigned int initval, int flags)') as (v: number, f: number) => number;
const writeFn = c.func('intptr_t write(int fd, const void *buf, size_t len)') as (fd: number, b: Uint8Array, n: number) => number;

/** The common shape of the receivers. `null` means closed. */
interface Receiver {
  readonly fd: number;
  /** Only LiveTransport has its own send (which drains a waiting reader at once); the others use sendto. */
  send?(bytes: Uint8Array): Promise<void>;
  next(): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

function rawSocket(): number {
  const fd = libc.socket(AF_NETLINK, SOCK_RAW_CLOEXEC, 0);
  if (fd < 0) throw new Error(`socket: ${-fd}`);
  const addr = new Uint8Array(12);
  addr[0] = AF_NETLINK;
  if (libc.bind(fd, addr) < 0) throw new Error('bind');
  return fd;
}

/** (a) async poll on the threadpool, eventfd to wake it on close, drains on the main thread. */
class AsyncPollReceiver implements Receiver {
  readonly fd: number;
  readonly #efd: number;
  readonly #buf = new Uint8Array(65536);
  #queue: Uint8Array[] = [];
  #waiters: ((v: Uint8Array | null) => void)[] = [];
  #polling = false;
  #closed = false;
  #onClosed: (() => void) | undefined;
  constructor(fd: number) {
    this.fd = fd;
    this.#efd = eventfd(0, EFD_CLOEXEC_NONBLOCK);
  }
  next(): Promise<Uint8Array | null> {
    if (this.#queue.length === 0) this.#drain();
    const head = this.#queue.shift();
    if (head) return Promise.resolve(head);
    if (this.#closed) return Promise.resolve(null);
    const p = new Promise<Uint8Array | null>((r) => this.#waiters.push(r));
    this.#poll();
    return p;
  }
  #drain(): void {
    for (;;) {
      const n = recvfrom(this.fd, this.#buf, this.#buf.length, MSG_DONTWAIT | MSG_TRUNC, null, null);
      if (n < 0) return;
      this.#queue.push(this.#buf.slice(0, n));
    }
  }
  #poll(): void {
    if (this.#polling) return;
    this.#polling = true;
    const fds = { sock: { fd: this.fd, events: POLLIN, revents: 0 }, wake: { fd: this.#efd, events: POLLIN, revents: 0 } };
    pollAsync(fds, 2, -1, () => {
      this.#polling = false;
      if (this.#closed) {
        this.#onClosed?.();
        return;
      }
      this.#drain();
      while (this.#waiters.length && this.#queue.length) this.#waiters.shift()!(this.#queue.shift()!);
      if (this.#waiters.length) this.#poll();
    });
  }
  close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w(null);
    const release = (): void => {
      libc.close(this.fd);
      libc.close(this.#efd);
    };
    if (!this.#polling) {
      release();
      return Promise.resolve();
    }
    // The fds may only be closed once the worker's poll() has returned.
    return new Promise((resolve) => {
      this.#onClosed = () => {
        release();
        resolve();
      };
      const one = new Uint8Array(8);
      one[0] = 1;
      writeFn(this.#efd, one, 8);
    });
  }
}

/** (b) async blocking recvfrom on the threadpool. */
class AsyncRecvReceiver implements Receiver {
  readonly fd: number;
  readonly #buf = new Uint8Array(65536);
  #waiters: ((v: Uint8Array | null) => void)[] = [];
  #queue: Uint8Array[] = [];
  #receiving = false;
  #closed = false;
  constructor(fd: number) {
    this.fd = fd;
  }
  next(): Promise<Uint8Array | null> {
    const head = this.#queue.shift();
    if (head) return Promise.resolve(head);
    if (this.#closed) return Promise.resolve(null);
    const p = new Promise<Uint8Array | null>((r) => this.#waiters.push(r));
    this.#recv();
    return p;
  }
  #recv(): void {
    if (this.#receiving) return;
    this.#receiving = true;
    recvAsync(this.fd, this.#buf, 65536, MSG_TRUNC, null, null, (_err, n) => {
      this.#receiving = false;
      if (this.#closed || n < 0) return;
      this.#queue.push(this.#buf.slice(0, n));
      while (this.#waiters.length && this.#queue.length) this.#waiters.shift()!(this.#queue.shift()!);
      if (this.#waiters.length) this.#recv();
    });
  }
  close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w(null);
    // close() does not wake a recvfrom() blocked on another thread; the
    // worker stays parked until a datagram arrives.
    libc.close(this.fd);
    return Promise.resolve();
  }
}

/**
 * (c) bare: uv_poll on Node's loop (koffi.node.poll), drains on the main
 * thread; same shape as (a). Receives with recvmsg (for NETLINK_PKTINFO), with
 * or without a sizing MSG_PEEK before each datagram.
 */
class UvPollReceiver implements Receiver {
  readonly fd: number;
  readonly #buf = libc.allocRecvBuffer(65536, 128);
  readonly #peek: boolean;
  readonly #watch: ReadableWatch;
  #queue: Uint8Array[] = [];
  #waiters: ((v: Uint8Array | null) => void)[] = [];
  #closed = false;
  constructor(fd: number, peek: boolean) {
    this.fd = fd;
    this.#peek = peek;
    this.#watch = libc.watchReadable(fd, () => {
      this.#drain();
      while (this.#waiters.length && this.#queue.length) this.#waiters.shift()!(this.#queue.shift()!);
      if (!this.#waiters.length) this.#watch.stop();
    });
  }
  next(): Promise<Uint8Array | null> {
    if (this.#queue.length === 0) this.#drain();
    const head = this.#queue.shift();
    if (head) return Promise.resolve(head);
    if (this.#closed) return Promise.resolve(null);
    const p = new Promise<Uint8Array | null>((r) => this.#waiters.push(r));
    this.#watch.start();
    return p;
  }
  #drain(): void {
    for (;;) {
      if (this.#peek && libc.recvmsg(this.fd, this.#buf, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT) < 0) return;
      const n = libc.recvmsg(this.fd, this.#buf, 65536, MSG_TRUNC | MSG_DONTWAIT);
      if (n < 0) return;
      this.#queue.push(this.#buf.data.slice(0, n));
    }
  }
  close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w(null);
    this.#watch.close();
    this.#buf.free();
    libc.close(this.fd);
    return Promise.resolve();
  }
}

/** (c) as shipped: LiveTransport (uv_poll, plus a drain right after send when a reader waits). */
function liveReceiver(netns?: string): Receiver {
  const t = openNetlink(netns === undefined ? {} : { netns });
  const it = t.receive()[Symbol.asyncIterator]();
  return {
    fd: t.fd,
    send: (bytes) => t.send(bytes),
    async next() {
      const r = await it.next();
      if (r.done) return null;
      if (isOverrun(r.value)) throw new Error('overrun');
      return r.value.bytes;
    },
    close: () => t.close(),
  };
}

const KERNEL = new Uint8Array(12);
KERNEL[0] = AF_NETLINK;
function sendRaw(fd: number, bytes: Uint8Array): void {
  if (libc.sendto(fd, bytes, 0, KERNEL) < 0) throw new Error('sendto');
}

async function send(r: Receiver, bytes: Uint8Array): Promise<void> {
  if (r.send) await r.send(bytes);
  else sendRaw(r.fd, bytes);
}

/** RTM_GETLINK for ifindex 1 (`lo`) with NLM_F_REQUEST|NLM_F_ACK, or a full dump with NLM_F_DUMP. */
function getlink(seq: number, dump: boolean): Uint8Array {
  const b = new Uint8Array(32);
  const v = new DataView(b.buffer);
  v.setUint32(0, 32, true);
  v.setUint16(4, 18, true);
  v.setUint16(6, dump ? 0x301 : 0x5, true);
  v.setUint32(8, seq, true);
  if (!dump) v.setInt32(20, 1, true);
  return b;
}

/** Walks the messages of one datagram; returns [messages, sawDone]. */
function count(d: Uint8Array): [number, boolean] {
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  let off = 0;
  let n = 0;
  while (off + 16 <= d.length) {
    const len = v.getUint32(off, true);
    if (v.getUint16(off + 4, true) === 3) return [n, true];
    n++;
    off += (len + 3) & ~3;
  }
  return [n, false];
}

function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return `median ${q(0.5).toFixed(1)} µs, p90 ${q(0.9).toFixed(1)} µs, p99 ${q(0.99).toFixed(1)} µs, mean ${mean.toFixed(1)} µs`;
}

const now = (): number => Number(process.hrtime.bigint()) / 1000;

async function rtt(r: Receiver, waiterFirst: boolean, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const req = getlink(i + 1, false);
    const t0 = now();
    if (waiterFirst) {
      const p = r.next();
      await send(r, req);
      await p;
    } else {
      await send(r, req);
      await r.next();
    }
    await r.next(); // the ack
    out.push(now() - t0);
  }
  return out;
}

/**
 * Dumps all links `reps` times. Meanwhile a setImmediate chain records the
 * longest gap between two turns of the event loop: how long receiving held it.
 */
async function dump(r: Receiver, reps: number): Promise<{ ms: number[]; messages: number; datagrams: number; bytes: number; maxLoopGapMs: number }> {
  let maxGap = 0;
  let last = now();
  let ticking = true;
  const tick = (): void => {
    const t = now();
    maxGap = Math.max(maxGap, t - last);
    last = t;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const ms: number[] = [];
  let messages = 0;
  let datagrams = 0;
  let bytes = 0;
  for (let i = 0; i < reps; i++) {
    messages = datagrams = bytes = 0;
    const t0 = now();
    await send(r, getlink(100000 + i, true));
    for (;;) {
      const d = await r.next();
      if (d === null) throw new Error('closed');
      datagrams++;
      bytes += d.length;
      const [m, done] = count(d);
      messages += m;
      if (done) break;
    }
    ms.push((now() - t0) / 1000);
  }
  ticking = false;
  maxGap = Math.max(maxGap, now() - last);
  return { ms, messages, datagrams, bytes, maxLoopGapMs: maxGap / 1000 };
}

function copyCost(): string {
  const buf = new Uint8Array(65536);
  const lines: string[] = [];
  for (const size of [64, 1500, 16384, 32768]) {
    const N = 200000;
    let t0 = now();
    for (let i = 0; i < N; i++) buf.slice(0, size);
    const slice = ((now() - t0) * 1000) / N;
    t0 = now();
    for (let i = 0; i < N; i++) buf.subarray(0, size);
    const sub = ((now() - t0) * 1000) / N;
    lines.push(`  ${size} B: slice (copy) ${slice.toFixed(0)} ns, subarray (no copy) ${sub.toFixed(0)} ns`);
  }
  return lines.join('\n');
}

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

const MECHANISMS: Record<string, [label: string, make: (netns?: string) => Receiver]> = {
  a: ['(a) koffi async poll() + eventfd', (ns) => new AsyncPollReceiver(ns ? runInNetns(ns, rawSocket) : rawSocket())],
  b: ['(b) koffi async blocking recvfrom()', (ns) => new AsyncRecvReceiver(ns ? runInNetns(ns, rawSocket) : rawSocket())],
  c: ['(c) uv_poll on the Node loop, bare, one recvmsg per datagram', (ns) => new UvPollReceiver(ns ? runInNetns(ns, rawSocket) : rawSocket(), false)],
  cpeek: ['(c) uv_poll on the Node loop, bare, MSG_PEEK sizing + recvmsg', (ns) => new UvPollReceiver(ns ? runInNetns(ns, rawSocket) : rawSocket(), true)],
  live: ['(c) as shipped: LiveTransport', (ns) => liveReceiver(ns)],
};

/**
 * In a child process: one read pending for 2 s with nothing arriving (CPU
 * used), or four reads pending while timing one fs.readFile (the libuv
 * threadpool has four threads); then close and let the process end by itself.
 */
async function child(mech: string, mode: string): Promise<void> {
  const make = MECHANISMS[mech]![1];
  const say = (x: object): void => void process.stdout.write(JSON.stringify(x) + '\n');
  const rs = mode === 'idle' ? [make()] : [make(), make(), make(), make()];
  const pendings = rs.map((r) => r.next());
  await sleep(300);
  if (mode === 'idle') {
    const before = process.cpuUsage();
    await sleep(2000);
    const u = process.cpuUsage(before);
    say({ idleCpuMsPerS: (u.user + u.system) / 1000 / 2 });
  } else {
    const t0 = now();
    let timer: NodeJS.Timeout | undefined;
    const ms = await Promise.race([
      readFile('/proc/self/stat').then(() => (now() - t0) / 1000),
      new Promise<number>((res) => (timer = setTimeout(() => res(-1), 2000))),
    ]);
    clearTimeout(timer);
    say({ readFileMs: ms });
  }
  await Promise.all(rs.map((r) => r.close()));
  await Promise.all(pendings);
  say({ closedAt: Date.now() });
}

/** Runs `child` in a fresh process; reports its lines and how long after close() it exited (killed after 5 s). */
function runChild(mech: string, mode: string): Promise<{ lines: Record<string, number>; exitMs: number | 'never' }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [...process.execArgv, process.argv[1]!, '--child', mech, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: Record<string, number> = {};
    let out = '';
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      for (let i = out.indexOf('\n'); i >= 0; i = out.indexOf('\n')) {
        Object.assign(lines, JSON.parse(out.slice(0, i)) as Record<string, number>);
        out = out.slice(i + 1);
      }
    });
    let killed = false;
    const watchdog = setInterval(() => {
      const closedAt = lines['closedAt'];
      if (closedAt !== undefined && Date.now() - closedAt > 5000) {
        killed = true;
        p.kill('SIGKILL');
      }
    }, 100);
    p.on('exit', () => {
      clearInterval(watchdog);
      const closedAt = lines['closedAt'];
      resolve({ lines, exitMs: killed || closedAt === undefined ? 'never' : Date.now() - closedAt });
    });
  });
}

async function main(): Promise<void> {
  const RTT_N = 3000;
  const VETH_PAIRS = 1000;
  const DUMP_REPS = 20;
  console.log(`node ${process.version}, koffi ${koffi.version}, ${process.arch}, ${availableParallelism()} cores`);
  console.log('copy cost per datagram:\n' + copyCost());
  await withTempNetns(async (ns) => {
    const batch = Array.from({ length: VETH_PAIRS }, (_, i) => `link add b${i}a type veth peer name b${i}b`).join('\n');
    execFileSync('ip', ['-n', ns, '-batch', '-'], { input: batch });
    for (const [label, make] of Object.values(MECHANISMS)) {
      const r = make(ns);
      await rtt(r, true, 300); // warm-up
      const w = await rtt(r, true, RTT_N);
      const s = await rtt(r, false, RTT_N);
      await dump(r, 3); // warm-up
      const d = await dump(r, DUMP_REPS);
      await r.close();
      const dumpMs = [...d.ms].sort((a, b) => a - b)[Math.floor(d.ms.length / 2)]!;
      console.log(`\n${label}`);
      console.log(`  RTT, reader waiting before send: ${stats(w)}`);
      console.log(`  RTT, send then read:             ${stats(s)}`);
      console.log(
        `  dump of ${d.messages} links (${d.datagrams} datagrams, ${(d.bytes / 1048576).toFixed(2)} MiB): median ${dumpMs.toFixed(2)} ms` +
          ` = ${Math.round(d.messages / (dumpMs / 1000))} msg/s, ${(d.bytes / 1048576 / (dumpMs / 1000)).toFixed(0)} MiB/s`,
      );
      console.log(`  longest event-loop turn during ${DUMP_REPS} dumps: ${d.maxLoopGapMs.toFixed(2)} ms`);
    }
  });
  for (const [key, [label]] of Object.entries(MECHANISMS)) {
    const idle = await runChild(key, 'idle');
    const pool = await runChild(key, 'pool');
    const rf = pool.lines['readFileMs'];
    console.log(`\n${label}`);
    console.log(`  CPU while one read waits, nothing arriving: ${idle.lines['idleCpuMsPerS']?.toFixed(2)} ms per s`);
    console.log(`  process exit after close(): ${idle.exitMs === 'never' ? 'did not exit within 5 s' : `${idle.exitMs} ms`}`);
    console.log(`  fs.readFile while 4 reads wait: ${rf === undefined || rf < 0 ? 'not done after 2 s (threadpool exhausted)' : `${rf.toFixed(2)} ms`}`);
    console.log(`  process exit after closing those 4: ${pool.exitMs === 'never' ? 'did not exit within 5 s' : `${pool.exitMs} ms`}`);
  }
}

const at = process.argv.indexOf('--child');
if (at >= 0) await child(process.argv[at + 1]!, process.argv[at + 2]!);
else await main();
