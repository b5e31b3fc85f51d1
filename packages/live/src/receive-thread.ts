/**
 * A second thread that receives a long dump while the main thread decodes.
 *
 * The kernel builds each dump datagram inside the `recvmsg` that asks for
 * it (~100 µs per 32 KiB of routes), on the calling thread. Received on the
 * main thread, that time and the decoding of the datagram before it add up;
 * received here, they overlap. The thread is a `worker_threads` Worker that
 * loads koffi itself and runs `recvmsg` (and `poll` while the socket is
 * empty) in a loop, writing each datagram, its multicast group, an overrun
 * or an error into a ring in shared memory; the transport copies them out in
 * order and hands them on exactly as it would its own reads.
 *
 * One thread serves the whole process, one dump at a time. It is started
 * the first time a dump runs long enough to be worth it (it takes tens of
 * milliseconds to start, and ~10 MiB), never blocks the process from
 * exiting while idle, and while a job runs the socket is read by it alone.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** `Atomics.waitAsync` (ES2024; in Node since 16), typed here for the ES2022 lib this package compiles with. */
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number, timeout?: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

/** Bytes per ring slot; a datagram takes as many consecutive slots as it needs. */
export const RING_SLOT = 32 * 1024;
/** Slots in the ring (a power of two): 2 MiB, 64 dump datagrams (~8 ms of a dump) for the main thread to fall behind by. */
export const RING_SLOTS = 64;
/** Largest datagram the thread can pass on: half the ring. */
export const RING_MAX_DATAGRAM = (RING_SLOTS / 2) * RING_SLOT;

/** Indices into the control words shared with the thread. */
const enum Ctl {
  /** Slots written so far (wrapping 32-bit counter). */
  Produced = 0,
  /** Slots released by the transport so far. */
  Consumed = 1,
  /** 1 while a job runs (set by the transport, cleared by the thread when it has stopped reading). */
  Job = 2,
  /** Set by the transport to end a job early (close, abandon). */
  Stop = 3,
  /** The socket of the job. */
  Fd = 4,
  /** `nlmsg_seq` of the dump: the job ends after its `NLMSG_DONE` (or `NLMSG_ERROR`). */
  Seq = 5,
  /** Size of the thread's receive buffer for the job. */
  BufferSize = 6,
  /** 1 once the thread has loaded koffi and waits for jobs; -1 if it could not. */
  Ready = 7,
  /** 1 while the transport waits for entries: only then does the thread wake it. */
  ReaderWaits = 8,
  /** 1 while the thread waits for room in the ring: only then does the transport wake it. */
  WriterWaits = 9,
  /** Per-slot metadata from here: length, group, kind. */
  Meta = 10,
}

/** What a ring entry holds. */
export const enum EntryKind {
  /** A datagram: `length` bytes from the group `group` (0 for unicast). */
  Datagram = 0,
  /** `ENOBUFS`: the socket's buffer overflowed and messages were lost. */
  Overrun = 1,
  /** A failed `recvmsg`: `length` is the errno, `group` the datagram's real size for `EMSGSIZE`. */
  Error = 2,
  /** The job is over: the dump's last datagram has gone before it, or the job was stopped. */
  End = 3,
}

/** One entry read from the ring. */
export interface RingEntry {
  readonly kind: EntryKind;
  /** The datagram (for {@link EntryKind.Datagram}), a copy the caller owns. */
  readonly bytes?: Uint8Array;
  /** The group, or for an error the datagram's size. */
  readonly group: number;
  /** The errno of an error entry. */
  readonly errno?: number;
}

/**
 * The thread's code. Plain JavaScript, evaluated as a CommonJS worker, so
 * that it runs the same from sources, from `dist` or from a bundle.
 */
const WORKER_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const { ctl, ring, slot: SLOT, slots: SLOTS, meta: META } = workerData;
let koffi;
try { koffi = require(workerData.koffi); } catch (e) { koffi = undefined; }
if (koffi === undefined) { Atomics.store(ctl, 7, -1); Atomics.notify(ctl, 7); } else serve();
function serve() {
const lib = koffi.load('libc.so.6');
const recvmsg = lib.func('intptr_t recvmsg(int fd, void *msg, int flags)');
const poll = lib.func('int poll(void *fds, unsigned long nfds, int timeout)');
const Iovec = koffi.struct({ iov_base: 'void *', iov_len: 'size_t' });
const Msghdr = koffi.struct({ msg_name: 'void *', msg_namelen: 'uint32_t', msg_iov: 'void *', msg_iovlen: 'size_t', msg_control: 'void *', msg_controllen: 'size_t', msg_flags: 'int' });
const WORD = koffi.sizeof('size_t');
const align = (n) => (n + WORD - 1) & ~(WORD - 1);
const HDR = align(koffi.sizeof(Msghdr)), IOV = align(koffi.sizeof(Iovec)), CTL = 128;
const CMSG_HDR = align(WORD + 8);
const MSG_DONTWAIT = 0x40, MSG_TRUNC = 0x20, EINTR = 4, EAGAIN = 11, ENOBUFS = 105, EMSGSIZE = 90;
const SOL_NETLINK = 270, NETLINK_PKTINFO = 3, NLMSG_ERROR = 2, NLMSG_DONE = 3;
let mem, size = 0, hdr, control, data;
function buffer(n) {
  if (n === size) return;
  if (mem) koffi.free(mem);
  const total = HDR + IOV + CTL + n;
  mem = koffi.alloc('uint8_t', total);
  const base = koffi.address(mem);
  const ab = koffi.view(mem, total);
  hdr = new DataView(ab, 0, HDR + IOV);
  control = new DataView(ab, HDR + IOV, CTL);
  data = new Uint8Array(ab, HDR + IOV + CTL, n);
  view = undefined;
  const put = (off, v) => (WORD === 8 ? hdr.setBigUint64(off, v, true) : hdr.setUint32(off, Number(v), true));
  put(koffi.offsetof(Msghdr, 'msg_iov'), base + BigInt(HDR));
  put(koffi.offsetof(Msghdr, 'msg_iovlen'), 1n);
  put(koffi.offsetof(Msghdr, 'msg_control'), base + BigInt(HDR + IOV));
  put(HDR + koffi.offsetof(Iovec, 'iov_base'), base + BigInt(HDR + IOV + CTL));
  put(HDR + koffi.offsetof(Iovec, 'iov_len'), BigInt(n));
  size = n;
}
const CONTROLLEN = koffi.offsetof(Msghdr, 'msg_controllen');
const FLAGS = koffi.offsetof(Msghdr, 'msg_flags');
const pfd = new Int32Array(2);
/** Waits for room for k slots; false when told to stop meanwhile. */
function room(k) {
  for (;;) {
    const used = (Atomics.load(ctl, 0) - Atomics.load(ctl, 1)) | 0;
    if (SLOTS - used >= k) return true;
    if (Atomics.load(ctl, 3)) return false;
    const consumed = Atomics.load(ctl, 1);
    Atomics.store(ctl, 9, 1);
    if (((Atomics.load(ctl, 0) - consumed) | 0) >= SLOTS - k + 1) Atomics.wait(ctl, 1, consumed, 50);
    Atomics.store(ctl, 9, 0);
  }
}
function emit(kind, a, b, n) {
  const k = kind === 0 ? Math.max(1, Math.ceil(n / SLOT)) : 1;
  if (!room(k)) return false;
  const p = Atomics.load(ctl, 0);
  const s = p & (SLOTS - 1);
  if (kind === 0) {
    const first = Math.min(n, (SLOTS - s) * SLOT);
    ring.set(data.subarray(0, first), s * SLOT);
    if (first < n) ring.set(data.subarray(first, n), 0);
  }
  ctl[META + 3 * s] = a;
  ctl[META + 3 * s + 1] = b;
  ctl[META + 3 * s + 2] = kind;
  Atomics.store(ctl, 0, (p + k) | 0);
  if (Atomics.load(ctl, 8) === 1) Atomics.notify(ctl, 0);
  return true;
}
/** Whether the datagram holds the end of the dump with sequence number seq. */
const dataView = () => (view ??= new DataView(data.buffer, data.byteOffset, data.byteLength));
let view;
function ends(n, seq) {
  const v = dataView();
  for (let p = 0; p + 16 <= n; ) {
    const len = v.getUint32(p, true);
    const type = v.getUint16(p + 4, true);
    if ((type === NLMSG_DONE || type === NLMSG_ERROR) && v.getUint32(p + 8, true) === seq) return true;
    if (len < 16) return false;
    p += (len + 3) & ~3;
  }
  return false;
}
function group() {
  const end = Math.min(Number(WORD === 8 ? hdr.getBigUint64(CONTROLLEN, true) : hdr.getUint32(CONTROLLEN, true)), CTL);
  for (let off = 0; off + CMSG_HDR <= end; ) {
    const len = control.getUint32(off, true);
    if (len < CMSG_HDR) return 0;
    if (control.getInt32(off + WORD, true) === SOL_NETLINK && control.getInt32(off + WORD + 4, true) === NETLINK_PKTINFO) return control.getUint32(off + CMSG_HDR, true);
    off += align(len);
  }
  return 0;
}
function job() {
  const fd = Atomics.load(ctl, 4);
  const seq = Atomics.load(ctl, 5) >>> 0;
  buffer(Atomics.load(ctl, 6));
  pfd[0] = fd;
  for (;;) {
    if (Atomics.load(ctl, 3)) return;
    hdr.setUint32(CONTROLLEN, CTL, true);
    if (WORD === 8) hdr.setUint32(CONTROLLEN + 4, 0, true);
    const n = Number(recvmsg(fd, mem, MSG_DONTWAIT | MSG_TRUNC));
    if (n < 0) {
      const errno = koffi.errno();
      if (errno === EINTR) continue;
      if (errno === EAGAIN) {
        pfd[1] = 1; // events = POLLIN
        poll(pfd, 1, 50);
        continue;
      }
      if (errno === ENOBUFS) {
        if (!emit(1, 0, 0, 0)) return;
        continue;
      }
      emit(2, errno, 0, 0);
      return;
    }
    if (n > size || (hdr.getInt32(FLAGS, true) & MSG_TRUNC) !== 0) {
      if (!emit(2, EMSGSIZE, n, 0)) return;
      continue;
    }
    if (!emit(0, n, group(), n)) return;
    if (ends(n, seq)) return;
  }
}
Atomics.store(ctl, 7, 1);
Atomics.notify(ctl, 7);
for (;;) {
  Atomics.wait(ctl, 2, 0);
  job();
  emit(3, 0, 0, 0);
  Atomics.store(ctl, 3, 0);
  Atomics.store(ctl, 2, 0);
  Atomics.notify(ctl, 2);
}
}
`;

/** Where koffi is, for the thread to load it: the live package's own dependency, or `NLKIT_KOFFI` for bundles. */
function koffiPath(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.NLKIT_KOFFI;
  if (env) return env;
  try {
    return createRequire(import.meta.url).resolve('koffi');
  } catch {
    return undefined;
  }
}

/**
 * The process's receive thread, made on first use. {@link begin} hands it a
 * socket for one dump; {@link ReceiveJob} is the transport's side of it.
 */
class ReceiveThread {
  readonly ctl = new Int32Array(new SharedArrayBuffer(4 * (Ctl.Meta + 3 * RING_SLOTS)));
  readonly ring = new Uint8Array(new SharedArrayBuffer(RING_SLOTS * RING_SLOT));
  readonly worker: Worker;
  busy = false;

  constructor(koffi: string) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ctl: this.ctl, ring: this.ring, slot: RING_SLOT, slots: RING_SLOTS, meta: Ctl.Meta, koffi },
      // Its own heap holds next to nothing: the data lives in the ring.
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
      // None of the process's flags (a loader, `--input-type=module`): the source is plain CommonJS.
      execArgv: [],
    });
    this.worker.unref();
    this.worker.on('error', () => {
      Atomics.store(this.ctl, Ctl.Ready, -1);
    });
    // At exit Node terminates the worker wherever it is; inside a koffi call
    // (or koffi's loading) that is a fatal error. Let it reach a wait first.
    process.once('exit', () => this.#quiesce());
  }

  /** Blocks (briefly) until the thread is past loading koffi and out of any job. */
  #quiesce(): void {
    const ctl = this.ctl;
    if (Atomics.load(ctl, Ctl.Ready) === 0) Atomics.wait(ctl, Ctl.Ready, 0, 1000);
    if (Atomics.load(ctl, Ctl.Job) === 1) {
      Atomics.store(ctl, Ctl.Stop, 1);
      Atomics.notify(ctl, Ctl.Consumed);
      Atomics.wait(ctl, Ctl.Job, 1, 1000);
    }
  }

  get ready(): boolean {
    return Atomics.load(this.ctl, Ctl.Ready) === 1;
  }
}

let thread: ReceiveThread | undefined | null;

/**
 * Starts the thread in the background if it does not exist yet (its first
 * job can then begin once it is ready). Returns false where no thread can
 * run (koffi not found).
 */
export function prepareReceiveThread(): boolean {
  if (thread === null) return false;
  if (thread === undefined) {
    const path = koffiPath();
    if (path === undefined) {
      thread = null;
      return false;
    }
    thread = new ReceiveThread(path);
  }
  return Atomics.load(thread.ctl, Ctl.Ready) >= 0;
}

/**
 * Hands socket `fd` to the thread until the end of dump `seq`, or returns
 * undefined if the thread is not ready or busy with another socket.
 */
export function beginReceiveJob(fd: number, seq: number, bufferSize: number): ReceiveJob | undefined {
  if (!thread || !thread.ready || thread.busy || bufferSize > RING_MAX_DATAGRAM) return undefined;
  // The thread clears Job just after its last entry of the previous job: until then it is not free.
  if (Atomics.load(thread.ctl, Ctl.Job) !== 0) return undefined;
  return new ReceiveJob(thread, fd, seq, bufferSize);
}

/** The transport's side of one job: entries in order, a wait for more, and stopping. */
export class ReceiveJob {
  readonly #t: ReceiveThread;
  readonly #ctl: Int32Array;
  #consumed: number;
  #over = false;
  #waiting: Promise<unknown> | undefined;

  constructor(t: ReceiveThread, fd: number, seq: number, bufferSize: number) {
    this.#t = t;
    this.#ctl = t.ctl;
    t.busy = true;
    const ctl = this.#ctl;
    Atomics.store(ctl, Ctl.Stop, 0);
    Atomics.store(ctl, Ctl.Fd, fd);
    Atomics.store(ctl, Ctl.Seq, seq | 0);
    Atomics.store(ctl, Ctl.BufferSize, bufferSize);
    this.#consumed = Atomics.load(ctl, Ctl.Produced);
    Atomics.store(ctl, Ctl.Consumed, this.#consumed);
    Atomics.store(ctl, Ctl.Job, 1);
    Atomics.notify(ctl, Ctl.Job);
  }

  /** Whether the thread's {@link EntryKind.End} has been taken: the socket is the transport's again. */
  get over(): boolean {
    return this.#over;
  }

  /** The next entry if one is waiting, else undefined (never blocks). A datagram is copied out of the ring. */
  take(): RingEntry | undefined {
    if (this.#over) return undefined;
    const ctl = this.#ctl;
    const c = this.#consumed;
    if (Atomics.load(ctl, Ctl.Produced) === c) return undefined;
    const s = c & (RING_SLOTS - 1);
    const a = ctl[Ctl.Meta + 3 * s]!;
    const b = ctl[Ctl.Meta + 3 * s + 1]!;
    const kind = ctl[Ctl.Meta + 3 * s + 2]! as EntryKind;
    let entry: RingEntry;
    let k = 1;
    if (kind === EntryKind.Datagram) {
      k = Math.max(1, Math.ceil(a / RING_SLOT));
      entry = { kind, bytes: copyOut(this.#t.ring, s * RING_SLOT, a), group: b };
    } else if (kind === EntryKind.Error) {
      entry = { kind, errno: a, group: b };
    } else {
      entry = { kind, group: 0 };
    }
    this.#consumed = (c + k) | 0;
    Atomics.store(ctl, Ctl.Consumed, this.#consumed);
    if (Atomics.load(ctl, Ctl.WriterWaits) === 1) Atomics.notify(ctl, Ctl.Consumed);
    if (kind === EntryKind.End) this.#finish();
    return entry;
  }

  /**
   * Resolves when an entry may be waiting. While one is pending, the thread
   * keeps the process alive (someone waits for the dump).
   */
  wait(): Promise<unknown> {
    if (this.#waiting) return this.#waiting;
    const ctl = this.#ctl;
    Atomics.store(ctl, Ctl.ReaderWaits, 1);
    const r = waitAsync(ctl, Ctl.Produced, this.#consumed);
    if (!r.async) {
      Atomics.store(ctl, Ctl.ReaderWaits, 0);
      return Promise.resolve();
    }
    this.#t.worker.ref();
    this.#waiting = r.value.then(() => {
      Atomics.store(ctl, Ctl.ReaderWaits, 0);
      this.#waiting = undefined;
      this.#t.worker.unref();
    });
    return this.#waiting;
  }

  /**
   * Ends the job early: the thread stops reading (within ~50 ms if it waits
   * in `poll`), and what it had not handed over is dropped. Resolves once it
   * no longer touches the socket.
   */
  async stop(): Promise<void> {
    if (this.#over) return;
    const ctl = this.#ctl;
    Atomics.store(ctl, Ctl.Stop, 1);
    Atomics.notify(ctl, Ctl.Consumed);
    this.#t.worker.ref();
    try {
      for (;;) {
        const r = waitAsync(ctl, Ctl.Job, 1, 1000);
        if (r.async) await r.value;
        if (Atomics.load(ctl, Ctl.Job) === 0) break;
      }
    } finally {
      this.#t.worker.unref();
    }
    this.#finish();
    // Wake a wait() still pending on entries that will never come.
    Atomics.notify(ctl, Ctl.Produced);
  }

  #finish(): void {
    if (this.#over) return;
    this.#over = true;
    this.#t.busy = false;
  }
}

/** A copy of `length` bytes of the ring from `start`, wrapping at its end. */
function copyOut(ring: Uint8Array, start: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const first = Math.min(length, ring.length - start);
  out.set(ring.subarray(start, start + first));
  if (first < length) out.set(ring.subarray(0, length - first), first);
  return out;
}
