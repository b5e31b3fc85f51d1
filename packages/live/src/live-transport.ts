import { OVERRUN, NetlinkProtocol } from '@nlkit/transport';
import type { Datagram, Inbound, Transport, TransportInfo } from '@nlkit/transport';
import { ByteBlocks } from '@nlkit/core';
import {
  AF_NETLINK,
  MSG_DONTWAIT,
  MSG_TRUNC,
  NetlinkSocketOption,
  SOCK_CLOEXEC,
  SOCK_RAW,
  SOCKADDR_NL_SIZE,
  SocketOption,
  SOL_NETLINK,
  SOL_SOCKET,
} from './constants.js';
import { check, SocketError } from './errors.js';
import { koffiLibc } from './koffi-libc.js';
import type { Libc, ReadableWatch, RecvBatch, RecvBuffer } from './libc.js';
import { runInNetns } from './netns.js';
import { EntryKind, beginReceiveJob, prepareReceiveThread, type ReceiveJob } from './receive-thread.js';
import type { NetnsTarget } from './netns.js';

const EINTR = 4;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
/** `NLM_F_ACK`, in the low byte of `nlmsg_flags`. */
const NLM_F_ACK = 0x04;
/** `NLM_F_ROOT | NLM_F_MATCH` (`NLM_F_DUMP`), in the high byte of `nlmsg_flags`. */
const NLM_F_DUMP_BITS = 0x03;
const EAGAIN = 11;
const EBADF = 9;
const EMSGSIZE = 90;
const ENOPROTOOPT = 92;
/** `SO_RCVBUF` asked for by default, as iproute2's `rtnl_open` does: the kernel drops replies that do not fit. */
const DEFAULT_RCVBUF = 1024 * 1024;
const ENOBUFS = 105;

/**
 * Default size of the buffer each datagram is received into: far above the
 * kernel's ~32 KiB dump datagrams and above the largest single replies (a
 * link with many VFs), so that no datagram is cut short in practice.
 */
const DEFAULT_DATAGRAM_BUFFER = 1024 * 1024;
/** Largest datagram the transport grows its buffer for. */
const MAX_DATAGRAM_BUFFER = 64 * 1024 * 1024;
/** Room for ancillary data: `NETLINK_PKTINFO` and `NETLINK_LISTEN_ALL_NSID` messages. */
const CONTROL_BUFFER = 128;
/**
 * What one drain reads at most, so that a busy socket cannot hold the event
 * loop: during a dump the kernel fills the next datagram inside each
 * `recvmsg` (~75 µs per 32 KiB), so bytes are the measure of time spent.
 */
const READ_BATCH = 64;
const READ_BUDGET_BYTES = 256 * 1024;
/**
 * A dump that has filled this many datagrams and goes on is received by the
 * receive thread from then on (see `receive-thread.ts`), when it runs.
 */
const THREAD_AFTER_DATAGRAMS = 4;
/** Datagrams up to this size are copied into shared blocks. */
const SMALL_DATAGRAM = 1024;
/** Datagrams up to this size (ACKs, most single replies) are copied a word at a time (see `ByteBlocks.copyWords`). */
const WORD_COPY = 128;
/**
 * Datagrams one `recvmmsg` takes when several replies are awaited (a batch
 * of requests, one ACK datagram each). Each slot is as large as the receive
 * buffer, so that no datagram is cut short: memory the kernel backs only
 * where a datagram lands.
 */
const BURST_SLOTS = 16;
/** How long `send` keeps retrying a full peer (`EAGAIN`) before giving up. */
const DEFAULT_SEND_TIMEOUT_MS = 5000;

/** Options of {@link openNetlink}. Every socket option left out keeps the kernel's default. */
export interface OpenNetlinkOptions {
  /** Netlink protocol number (`NETLINK_ROUTE` = 0, `NETLINK_GENERIC` = 16, ...). Default `NETLINK_ROUTE`. */
  protocol?: number;
  /** Port id to bind (`nl_pid`); 0, the default, lets the kernel choose one. */
  portId?: number;
  /**
   * Multicast groups to join, as group numbers (`RTNLGRP_LINK` = 1, ...).
   * Groups 1–32 go into `bind`'s `nl_groups` bitmask; higher ones are joined
   * with `NETLINK_ADD_MEMBERSHIP`.
   */
  groups?: readonly number[];
  /** `NETLINK_EXT_ACK`: extended-ack TLVs on errors and acks. Default `true` (ignored by kernels that lack it). */
  extAck?: boolean;
  /** `NETLINK_GET_STRICT_CHK`: strict checking of dump requests, and dump filtering. */
  strictCheck?: boolean;
  /** `NETLINK_CAP_ACK`: error acks do not echo the request's payload. */
  capAck?: boolean;
  /** `NETLINK_NO_ENOBUFS`: never report overruns; lost events go unnoticed. */
  noEnobufs?: boolean;
  /** `NETLINK_LISTEN_ALL_NSID`: receive group messages from all peer namespaces that have an nsid. */
  listenAllNsid?: boolean;
  /**
   * `SO_RCVBUF` in bytes (the kernel doubles it, within `net.core.rmem_max`
   * unless forced). Default 1 MiB, as iproute2 asks for: the kernel drops
   * replies that do not fit.
   */
  receiveBufferSize?: number;
  /** `SO_SNDBUF` in bytes (the kernel doubles it). */
  sendBufferSize?: number;
  /** Set the buffer sizes with `SO_RCVBUFFORCE` / `SO_SNDBUFFORCE`, past the sysctl limits (needs `CAP_NET_ADMIN`). */
  forceBufferSizes?: boolean;
  /**
   * Initial size of the buffer datagrams are received into. Default 1 MiB
   * (the kernel builds dump datagrams of at most ~32 KiB, and most replies
   * are far smaller). Each datagram is received straight into it, with one
   * `recvmsg`. One that does not fit is cut short by the kernel and lost:
   * it is reported, never silently, as a `SocketError` with code `EMSGSIZE`
   * from the receive stream, and the buffer grows to fit such a datagram
   * from then on, up to 64 MiB. Default 1 MiB; give a larger size up front
   * when datagrams beyond that are expected.
   */
  datagramBufferSize?: number;
  /** How long `send` retries while the peer is full (`EAGAIN`), in milliseconds. Default 5000. */
  sendTimeoutMs?: number;
  /**
   * Receive long dumps on a second thread, so that the kernel builds the
   * next datagrams while this one decodes the last (see `LiveTransport`).
   * Default `true`; always off with a custom {@link libc}, which the thread
   * would bypass. One thread serves the process, one dump at a time: while
   * a dump's datagrams wait unread (nobody iterates the stream), it stays
   * with that socket, and other sockets read their dumps themselves.
   */
  receiveThread?: boolean;
  /** Create the socket in this network namespace; it stays there for its whole life. */
  netns?: NetnsTarget;
  /** The C library seam to use (for another FFI, or for injecting failures in tests). */
  libc?: Libc;
}

/**
 * Opens a netlink socket and returns it as a {@link LiveTransport}:
 * `socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol)` (inside
 * `options.netns` when given), the socket options asked for, then `bind` to
 * `sockaddr_nl { nl_pid: portId, nl_groups }`, `NETLINK_ADD_MEMBERSHIP` for
 * groups above 32, and `getsockname` to learn the port id the kernel chose.
 *
 * Synchronous: all of it is a handful of system calls on the calling thread.
 *
 * @throws SocketError naming the failed call (`socket` with
 *   `EPROTONOSUPPORT` for an unknown protocol, `bind` with `EADDRINUSE` for a
 *   taken port id, ...). Nothing is left open when it throws.
 */
export function openNetlink(options: OpenNetlinkOptions = {}): LiveTransport {
  const libc = options.libc ?? koffiLibc();
  const protocol = options.protocol ?? NetlinkProtocol.ROUTE;
  const portId = options.portId ?? 0;
  requireU32(protocol, 'protocol');
  requireU32(portId, 'portId');
  const groups = [...new Set(options.groups ?? [])].sort((a, b) => a - b);
  for (const g of groups) requireGroup(g);
  const bufferSize = options.datagramBufferSize ?? DEFAULT_DATAGRAM_BUFFER;
  if (!Number.isInteger(bufferSize) || bufferSize < 16 || bufferSize > MAX_DATAGRAM_BUFFER) {
    throw new RangeError(`datagramBufferSize must be an integer from 16 to ${MAX_DATAGRAM_BUFFER}`);
  }

  const open = (): number => check(libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol), 'socket');
  const fd = options.netns === undefined ? open() : runInNetns(options.netns, open, libc);
  try {
    const flag = (name: keyof typeof NetlinkSocketOption, on: boolean | undefined): void => {
      if (on !== undefined) setIntOption(libc, fd, SOL_NETLINK, NetlinkSocketOption[name], on ? 1 : 0, name);
    };
    if (options.extAck === undefined) {
      const r = libc.setsockopt(fd, SOL_NETLINK, NetlinkSocketOption.NETLINK_EXT_ACK, u32(1));
      if (r < 0 && -r !== ENOPROTOOPT) throw new SocketError(-r, 'setsockopt(NETLINK_EXT_ACK)');
    } else {
      flag('NETLINK_EXT_ACK', options.extAck);
    }
    // The delivery group of each datagram, as ancillary data: how replies are told from events.
    setIntOption(libc, fd, SOL_NETLINK, NetlinkSocketOption.NETLINK_PKTINFO, 1, 'NETLINK_PKTINFO');
    flag('NETLINK_GET_STRICT_CHK', options.strictCheck);
    flag('NETLINK_CAP_ACK', options.capAck);
    flag('NETLINK_NO_ENOBUFS', options.noEnobufs);
    flag('NETLINK_LISTEN_ALL_NSID', options.listenAllNsid);
    const force = options.forceBufferSizes === true;
    {
      const name = force ? 'SO_RCVBUFFORCE' : 'SO_RCVBUF';
      setIntOption(libc, fd, SOL_SOCKET, SocketOption[name], options.receiveBufferSize ?? DEFAULT_RCVBUF, name);
    }
    if (options.sendBufferSize !== undefined) {
      const name = force ? 'SO_SNDBUFFORCE' : 'SO_SNDBUF';
      setIntOption(libc, fd, SOL_SOCKET, SocketOption[name], options.sendBufferSize, name);
    }

    let mask = 0;
    for (const g of groups) if (g <= 32) mask |= 1 << (g - 1);
    check(libc.bind(fd, sockaddrNl(portId, mask >>> 0)), 'bind');
    for (const g of groups) {
      if (g > 32) setIntOption(libc, fd, SOL_NETLINK, NetlinkSocketOption.NETLINK_ADD_MEMBERSHIP, g, 'NETLINK_ADD_MEMBERSHIP');
    }
    const addr = new Uint8Array(SOCKADDR_NL_SIZE);
    check(libc.getsockname(fd, addr), 'getsockname');
    const boundPort = new DataView(addr.buffer).getUint32(4, true);

    const netns = options.netns === undefined ? undefined : typeof options.netns === 'string' ? options.netns : `/proc/${options.netns.pid}/ns/net`;
    return new LiveTransport(libc, fd, {
      protocol,
      portId: boundPort,
      groups,
      netns,
      bufferSize,
      sendTimeoutMs: options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
      receiveThread: options.libc === undefined && options.receiveThread !== false,
    });
  } catch (err) {
    libc.close(fd);
    throw err;
  }
}

/** What {@link openNetlink} hands to the transport it builds. @internal */
export interface LiveTransportInit {
  /** The socket's netlink protocol (`NETLINK_ROUTE` = 0, ...). */
  protocol: number;
  /** The port id the kernel assigned at `bind()` (`nl_pid` read back by `getsockname()`). */
  portId: number;
  /** Multicast groups already joined (`NETLINK_ADD_MEMBERSHIP`), 1-based. */
  groups: readonly number[];
  /** The network namespace the socket was opened in, as given to {@link openNetlink}, if any. */
  netns: string | undefined;
  /** Size of the receive buffer handed to `recvmsg()`, in bytes. */
  bufferSize: number;
  /** How long a `sendmsg()` that would block may wait for room, in milliseconds. */
  sendTimeoutMs: number;
  /** Whether long dumps may be received by the receive thread. */
  receiveThread?: boolean;
}

/** A queued receive result: a datagram, an overrun, or an error to throw from `next()`. */
type Entry = Inbound | { readonly error: Error };
interface Waiter {
  resolve(result: IteratorResult<Inbound, undefined>): void;
  reject(err: Error): void;
}
const DONE: IteratorResult<Inbound, undefined> = Object.freeze({ done: true, value: undefined });
/** What a send that went through at once returns: one settled promise, shared. */
const SENT: Promise<void> = Promise.resolve();

/**
 * A {@link Transport} over a real netlink socket, made by {@link openNetlink}.
 *
 * Receiving never blocks the event loop and never polls: a pending
 * `next()` arms an epoll watch on Node's own loop (libuv's `uv_poll_t`), and
 * when the socket becomes readable the transport drains it on the main thread
 * with non-blocking `recvmsg(MSG_DONTWAIT | MSG_TRUNC)` calls into one
 * reusable buffer, one call per datagram (a datagram too large for the
 * buffer is reported as an `EMSGSIZE` error, never lost silently, and the
 * buffer grows; see `OpenNetlinkOptions.datagramBufferSize`). Each datagram
 * is handed out as a fresh copy together with its multicast group (from
 * `NETLINK_PKTINFO`; 0 for unicast replies). Nothing is read while nobody asks, so a slow consumer makes the kernel's
 * buffer fill and report an overrun (`ENOBUFS`, delivered as
 * {@link OVERRUN}) instead of the process buffering without bound.
 *
 * A long dump (one that has filled a few datagrams and goes on) is read by
 * the process's receive thread instead, when `receiveThread` allows it: the
 * kernel builds each dump datagram inside the `recvmsg` that asks for it, so
 * on a second thread that work overlaps with decoding the datagrams before
 * it. The datagrams, events and errors come out of the stream exactly as
 * they would otherwise, in order; only the thread reads the socket until the
 * dump's end, then the transport does again.
 *
 * The receive stream is one object for the transport's life: breaking out
 * of a `for await` leaves it usable (iterate `receive()` again to go on);
 * {@link close} ends it. An error thrown by `next()` (an oversized datagram,
 * an unexpected errno) does not end it either.
 */
export class LiveTransport implements Transport {
  readonly #libc: Libc;
  #fd: number;
  readonly #protocol: number;
  readonly #portId: number;
  readonly #netns: string | undefined;
  readonly #groups: Set<number>;
  readonly #sendTimeoutMs: number;
  readonly #kernel = sockaddrNl(0, 0);
  readonly #watch: ReadableWatch;
  #buf: RecvBuffer;
  #control: DataView;
  /** {@link #buf}'s data as 32-bit words (undefined if not word-aligned), for short copies. */
  #words: Uint32Array | undefined;
  /** The `recvmmsg` buffers (see {@link BURST_SLOTS}), made when first needed, and a view of each slot's control area. */
  #burst: RecvBatch | undefined;
  #burstControl: DataView[] = [];
  #burstWords: (Uint32Array | undefined)[] = [];
  /** Where small datagrams are copied (see `#copy`). */
  readonly #small = new ByteBlocks();
  #queue: Entry[] = [];
  #waiters: Waiter[] = [];
  /** Whether `next()` may read from the socket itself rather than wait for the loop (see `#next`). */
  #mayReadInline = true;
  /**
   * Messages sent with `NLM_F_ACK` or `NLM_F_DUMP` whose terminal reply
   * (`NLMSG_ERROR`, `NLMSG_DONE`) has not been received yet, as far as the
   * transport can tell. Only a hint for `#drain`: when the last awaited one
   * arrives, it stops without the `recvmsg` that would find the socket
   * empty; anything else that is waiting is read when epoll reports it.
   */
  #awaiting = 0;
  /** A microtask that stops the watch unless a reader waits by then is queued. */
  #stopQueued = false;
  /** A microtask that hands what a send read to waiting readers is queued. */
  #settleQueued = false;
  readonly #threadAllowed: boolean;
  readonly #bufferSize: number;
  /** `nlmsg_seq` of the dump sent last whose end has not been read yet, and how many of its datagrams have been. */
  #dumpSeq = -1;
  #dumpDatagrams = 0;
  /** The receive thread's job while it reads this socket: nothing else may then. */
  #job: ReceiveJob | undefined;
  /** The dump the job reads. */
  #jobSeq = -1;
  /** A wait for the job's next entries is pending. */
  #jobWaiting = false;
  #threadReads = 0;
  #closed = false;
  readonly #stream: AsyncIterableIterator<Inbound>;

  /** Use {@link openNetlink}. */
  constructor(libc: Libc, fd: number, init: LiveTransportInit) {
    this.#libc = libc;
    this.#fd = fd;
    this.#protocol = init.protocol;
    this.#portId = init.portId;
    this.#netns = init.netns;
    this.#groups = new Set(init.groups);
    this.#sendTimeoutMs = init.sendTimeoutMs;
    this.#threadAllowed = init.receiveThread === true;
    this.#bufferSize = init.bufferSize;
    this.#buf = libc.allocRecvBuffer(init.bufferSize, CONTROL_BUFFER);
    this.#control = viewOf(this.#buf.control);
    this.#words = wordsOf(this.#buf.data);
    this.#watch = libc.watchReadable(fd, () => this.#onReadable());
    this.#stream = {
      next: () => this.#next(),
      return: () => Promise.resolve(DONE),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** Protocol, bound port id, joined groups and namespace. */
  get info(): TransportInfo {
    const info: TransportInfo = {
      protocol: this.#protocol,
      portId: this.#portId,
      groups: [...this.#groups].sort((a, b) => a - b),
    };
    return this.#netns === undefined ? info : { ...info, netns: this.#netns };
  }

  /** The socket's file descriptor, or -1 once closed. */
  get fd(): number {
    return this.#fd;
  }

  /** Whether {@link close} has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** How many datagrams the receive thread has read for this transport (see {@link OpenNetlinkOptions.receiveThread}). */
  get threadReads(): number {
    return this.#threadReads;
  }

  /**
   * Sends one datagram to the kernel (`sendto` to `sockaddr_nl { nl_pid: 0 }`).
   * The kernel handles most requests inside this call, so replies are usually
   * queued by the time it resolves. `EINTR` is retried at once; `EAGAIN`
   * (a full peer) is retried with a growing pause up to the send timeout.
   *
   * @throws SocketError `sendto` with the errno (`EBADF` once closed,
   *   `EMSGSIZE` when larger than `SO_SNDBUF` allows, ...).
   */
  send(bytes: Uint8Array): Promise<void> {
    try {
      return this.sendNow(bytes) ? SENT : this.#sendWhenRoom(bytes);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * {@link send} without the promise: true once sent; false, with nothing
   * sent, when the peer is full (`EAGAIN`), for `send` to wait for room.
   * `EINTR` is retried at once.
   *
   * @throws SocketError as {@link send} rejects.
   */
  sendNow(bytes: Uint8Array): boolean {
    if (this.#closed) throw new SocketError(EBADF, 'sendto', { message: 'the transport is closed' });
    let r = this.#libc.sendto(this.#fd, bytes, MSG_DONTWAIT, this.#kernel);
    while (r === -EINTR) r = this.#libc.sendto(this.#fd, bytes, MSG_DONTWAIT, this.#kernel);
    if (r === -EAGAIN) return false;
    if (r < 0) throw new SocketError(-r, 'sendto');
    this.#sent(bytes);
    return true;
  }

  /** The slow path of {@link send}: the peer is full, so retry with a growing pause until the send timeout. */
  async #sendWhenRoom(bytes: Uint8Array): Promise<void> {
    let pause = 1;
    const deadline = Date.now() + this.#sendTimeoutMs;
    for (;;) {
      if (Date.now() >= deadline) throw new SocketError(EAGAIN, 'sendto');
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 100);
      if (this.#closed) throw new SocketError(EBADF, 'sendto', { message: 'the transport is closed' });
      const r = this.#libc.sendto(this.#fd, bytes, MSG_DONTWAIT, this.#kernel);
      if (r >= 0) break;
      if (-r !== EINTR && -r !== EAGAIN) throw new SocketError(-r, 'sendto');
    }
    this.#sent(bytes);
  }

  #sent(bytes: Uint8Array): void {
    // One walk over the messages sent: the terminal replies (NLMSG_ERROR,
    // NLMSG_DONE) they ask for (NLM_F_ACK or NLM_F_DUMP), and the last dump's seq.
    for (let pos = 0; pos + 16 <= bytes.length; ) {
      // NLM_F_ROOT/NLM_F_MATCH (a GET's dump) share their bits with
      // NLM_F_REPLACE/NLM_F_EXCL (a NEW's): a message that asks for its ACK
      // is taken for a change awaiting that ACK, not for a dump.
      const ack = (bytes[pos + 6]! & NLM_F_ACK) !== 0;
      const dump = !ack && (bytes[pos + 7]! & NLM_F_DUMP_BITS) !== 0;
      if (dump || ack) this.#awaiting++;
      if (dump) {
        this.#dumpSeq = u32At(bytes, pos + 8);
        this.#dumpDatagrams = 0;
      }
      const len = u32At(bytes, pos);
      if (len < 16) break;
      pos += (len + 3) & ~3;
    }
    // The kernel usually answers within sendto: read the reply now, and hand
    // it to a waiting reader a microtask later (until then the sender may
    // take it with takeNow()).
    this.#mayReadInline = true;
    if (this.#waiters.length > 0) {
      this.#drain();
      if (!this.#settleQueued) {
        this.#settleQueued = true;
        microtask(this.#settleLater);
      }
    }
  }

  readonly #settleLater = (): void => {
    this.#settleQueued = false;
    if (!this.#closed) this.#settle();
  };

  /**
   * The receive stream: datagrams in arrival order, each a fresh
   * `Uint8Array` the caller owns, and {@link OVERRUN} where the kernel
   * dropped messages (`ENOBUFS`). The same stream on every call; it returns
   * when the transport is closed.
   */
  receive(): AsyncIterable<Inbound> {
    return this.#stream;
  }

  /**
   * The next datagram, overrun or error already received (by the last
   * drain, e.g. the reply `send` read, or by the receive thread), without
   * waiting or reading the socket; undefined when there is none. For the
   * stream's one consumer: a `next()` it has pending gets what comes after.
   *
   * @throws the error `next()` would reject with (`EMSGSIZE`, ...).
   */
  takeNow(): Inbound | undefined {
    if (this.#closed) return undefined;
    if (this.#queue.length === 0 && this.#job !== undefined) this.#pullJob();
    const head = this.#queue.shift();
    if (head === undefined) return undefined;
    if (isErrorEntry(head)) throw head.error;
    return head;
  }

  /**
   * Closes the socket. Pending and later `next()` calls return `done`;
   * datagrams received but not yet taken are dropped. Idempotent.
   *
   * @throws SocketError `close`, should the kernel refuse it (the descriptor
   *   is released either way).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#watch.close();
    const job = this.#job;
    this.#job = undefined;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.resolve(DONE);
    // The thread must be done with the socket before its descriptor is released (and maybe reused).
    if (job) await job.stop();
    this.#buf.free();
    this.#burst?.free();
    this.#burst = undefined;
    const fd = this.#fd;
    this.#fd = -1;
    this.#queue = [];
    check(this.#libc.close(fd), 'close');
  }

  /**
   * Joins multicast group `group` (`setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP)`).
   * Works for any group number, including those above 32.
   */
  addMembership(group: number): void {
    requireGroup(group);
    this.#setInt(SOL_NETLINK, NetlinkSocketOption.NETLINK_ADD_MEMBERSHIP, group, 'NETLINK_ADD_MEMBERSHIP');
    this.#groups.add(group);
  }

  /** Leaves multicast group `group` (`setsockopt(SOL_NETLINK, NETLINK_DROP_MEMBERSHIP)`). */
  dropMembership(group: number): void {
    requireGroup(group);
    this.#setInt(SOL_NETLINK, NetlinkSocketOption.NETLINK_DROP_MEMBERSHIP, group, 'NETLINK_DROP_MEMBERSHIP');
    this.#groups.delete(group);
  }

  /** The groups the kernel has this socket in (`getsockopt(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS)`), ascending. */
  memberships(): number[] {
    this.#requireOpen('getsockopt');
    let words = new Uint8Array(16);
    let len = check(this.#libc.getsockopt(this.#fd, SOL_NETLINK, NetlinkSocketOption.NETLINK_LIST_MEMBERSHIPS, words), 'getsockopt(NETLINK_LIST_MEMBERSHIPS)');
    if (len > words.length) {
      words = new Uint8Array(len);
      len = check(this.#libc.getsockopt(this.#fd, SOL_NETLINK, NetlinkSocketOption.NETLINK_LIST_MEMBERSHIPS, words), 'getsockopt(NETLINK_LIST_MEMBERSHIPS)');
    }
    const view = new DataView(words.buffer, 0, Math.min(len, words.length));
    const groups: number[] = [];
    for (let w = 0; w + 4 <= view.byteLength; w += 4) {
      const bits = view.getUint32(w, true);
      for (let b = 0; b < 32; b++) if (bits & (1 << b)) groups.push(w * 8 + b + 1);
    }
    return groups;
  }

  /**
   * Sets an integer socket option: `setsockopt(fd, level, name, &value, 4)`.
   * For options {@link openNetlink} does not cover (`NETLINK_PKTINFO`, ...).
   */
  setOption(level: number, name: number, value: number): void {
    this.#setInt(level, name, value, String(name));
  }

  /** Reads an integer socket option: `getsockopt(fd, level, name)`, e.g. `SO_RCVBUF` as the kernel doubled it. */
  getOption(level: number, name: number): number {
    this.#requireOpen('getsockopt');
    const value = new Uint8Array(4);
    check(this.#libc.getsockopt(this.#fd, level, name, value), `getsockopt(${name})`);
    return new DataView(value.buffer).getInt32(0, true);
  }

  #setInt(level: number, name: number, value: number, label: string): void {
    this.#requireOpen(`setsockopt(${label})`);
    setIntOption(this.#libc, this.#fd, level, name, value, label);
  }

  #requireOpen(syscall: string): void {
    if (this.#closed) throw new SocketError(EBADF, syscall, { message: 'the transport is closed' });
  }

  #next(): Promise<IteratorResult<Inbound, undefined>> {
    if (this.#job !== undefined && this.#queue.length === 0) this.#pullJob();
    if (this.#queue.length === 0 && !this.#closed && this.#waiters.length === 0 && this.#mayReadInline && this.#job === undefined) {
      // Read right away once, e.g. for a reply that arrived during send().
      // Then wait for the loop to report readiness, so that a consumer of a
      // busy socket cannot keep the event loop from running other work.
      this.#mayReadInline = false;
      this.#drain();
    }
    const head = this.#queue.shift();
    if (head !== undefined) return settled(head);
    if (this.#closed) return Promise.resolve(DONE);
    const p = new Promise<IteratorResult<Inbound, undefined>>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#arm();
    return p;
  }

  #onReadable(): void {
    if (this.#closed || this.#job !== undefined) return;
    this.#mayReadInline = true;
    if (this.#waiters.length > 0) this.#drain();
    this.#settle();
  }

  /** Hands queued entries to waiting readers, then watches the socket only while someone still waits. */
  #settle(): void {
    while (this.#waiters.length > 0 && this.#queue.length > 0) {
      const w = this.#waiters.shift()!;
      const e = this.#queue.shift()!;
      if (isErrorEntry(e)) w.reject(e.error);
      else w.resolve({ done: false, value: e });
    }
    this.#arm();
  }

  #arm(): void {
    if (this.#job !== undefined) {
      if (this.#waiters.length > 0 && !this.#closed && !this.#jobWaiting) {
        this.#jobWaiting = true;
        void this.#job.wait().then(this.#onJobEntries);
      }
      return;
    }
    if (this.#waiters.length > 0 && !this.#closed) this.#watch.start();
    else if (!this.#stopQueued) {
      // Stopping (and later restarting) a libuv poll handle costs an
      // epoll_ctl each time. A reader that was just handed a datagram usually
      // asks for the next one before this microtask runs: stop the watch only
      // if nobody waits by then.
      this.#stopQueued = true;
      microtask(this.#stopIfIdle);
    }
  }

  /** The receive thread wrote entries (or may have): take them, then go on as after a read. */
  readonly #onJobEntries = (): void => {
    this.#jobWaiting = false;
    if (this.#closed || this.#job === undefined) return;
    this.#pullJob();
    if (this.#job === undefined && this.#waiters.length > 0 && this.#queue.length === 0) this.#drain();
    this.#settle();
  };

  /**
   * Moves what the receive thread has written into the queue, in order. At
   * the job's end the socket is read here again (inline first: more may be
   * waiting).
   */
  #pullJob(): void {
    const job = this.#job!;
    for (;;) {
      const e = job.take();
      if (e === undefined) return;
      switch (e.kind) {
        case EntryKind.Datagram:
          this.#threadReads++;
          this.#queue.push({ bytes: e.bytes!, group: e.group });
          break;
        case EntryKind.Overrun:
          this.#queue.push(OVERRUN);
          break;
        case EntryKind.Error:
          this.#queue.push({
            error: e.errno === EMSGSIZE
              ? new SocketError(EMSGSIZE, 'recvmsg', { message: `a ${e.group}-byte datagram did not fit the ${this.#bufferSize}-byte receive buffer and was lost` })
              : new SocketError(e.errno!, 'recvmsg'),
          });
          break;
        case EntryKind.End:
          this.#job = undefined;
          // The dump the job read is over (a later one may have been sent meanwhile, and is not).
          if (this.#dumpSeq === this.#jobSeq) this.#dumpSeq = -1;
          this.#awaiting = 0;
          this.#mayReadInline = true;
          return;
      }
    }
  }

  /**
   * After reading datagram `bytes` of the dump in progress (`ends`: its last
   * message is the dump's end): hands the rest of the dump to the receive
   * thread once it has run long enough. Returns true when the thread has
   * taken over (stop reading here).
   */
  #maybeHandOff(bytes: Uint8Array, ends: boolean): boolean {
    if (this.#dumpSeq < 0 || bytes.length < 16 || u32At(bytes, 8) !== this.#dumpSeq) return false;
    if (ends) {
      this.#dumpSeq = -1;
      return false;
    }
    if (!this.#threadAllowed || ++this.#dumpDatagrams < THREAD_AFTER_DATAGRAMS) return false;
    if (!prepareReceiveThread()) return false;
    const job = beginReceiveJob(this.#fd, this.#dumpSeq, this.#bufferSize);
    if (job === undefined) return false;
    this.#job = job;
    this.#jobSeq = this.#dumpSeq;
    this.#watch.stop();
    return true;
  }

  readonly #stopIfIdle = (): void => {
    this.#stopQueued = false;
    if (this.#waiters.length === 0 || this.#closed) this.#watch.stop();
  };

  /**
   * Reads what is waiting without blocking, up to {@link READ_BATCH}
   * datagrams or {@link READ_BUDGET_BYTES}, queueing datagrams, overruns and
   * errors.
   */
  #drain(): void {
    if (this.#job !== undefined) return;
    // Several replies awaited and no dump under way: take them a burst at a time.
    if (this.#awaiting > 1 && this.#dumpSeq < 0 && this.#libc.recvmmsg !== undefined && this.#libc.allocRecvBatch !== undefined) {
      this.#drainBursts();
      return;
    }
    let bytes = 0;
    for (let i = 0; i < READ_BATCH && bytes < READ_BUDGET_BYTES; i++) {
      const entry = this.#receiveOne();
      if (entry === undefined) {
        // The socket is empty: whatever was awaited has come (or was lost to an overrun).
        this.#awaiting = 0;
        return;
      }
      this.#queue.push(entry);
      if (isErrorEntry(entry)) return;
      if ('bytes' in entry) {
        bytes += entry.bytes.length;
        if (entry.group !== 0 || (this.#awaiting === 0 && this.#dumpSeq < 0)) continue;
        const ends = endsWithTerminal(entry.bytes);
        if (this.#maybeHandOff(entry.bytes, ends)) return;
        if (ends && this.#awaiting > 0 && --this.#awaiting === 0) {
          // The last reply awaited: stop without probing the (likely empty)
          // socket. Should more be waiting, the level-triggered watch reports
          // it; so the next read waits for the loop instead of probing inline.
          this.#mayReadInline = false;
          return;
        }
      }
    }
  }

  /**
   * {@link #drain} with `recvmmsg`: up to {@link BURST_SLOTS} datagrams per
   * call, each handled as `#receiveOne` handles its one, until the awaited
   * replies have come, the socket is empty, or the drain's limits are met.
   */
  #drainBursts(): void {
    const libc = this.#libc;
    let batch = this.#burst;
    if (batch === undefined) {
      batch = this.#burst = libc.allocRecvBatch!(BURST_SLOTS, this.#buf.data.length, CONTROL_BUFFER);
      this.#burstControl = batch.slots.map((slot) => viewOf(slot.control));
      this.#burstWords = batch.slots.map((slot) => wordsOf(slot.data));
    }
    let bytes = 0;
    for (let taken = 0; taken < READ_BATCH && bytes < READ_BUDGET_BYTES; ) {
      const n = libc.recvmmsg!(this.#fd, batch, BURST_SLOTS, MSG_TRUNC | MSG_DONTWAIT);
      if (n < 0) {
        const errno = -n;
        if (errno === EINTR) continue;
        if (errno === EAGAIN) {
          // The socket is empty: whatever was awaited has come (or was lost to an overrun).
          this.#awaiting = 0;
          return;
        }
        if (errno === ENOBUFS) {
          this.#queue.push(OVERRUN);
          taken++;
          continue;
        }
        this.#queue.push({ error: new SocketError(errno, 'recvmmsg') });
        return;
      }
      if (n === 0) return; // nothing taken (not expected without a timeout): the watch reports what comes
      let lastAwaited = false;
      let grow = 0;
      for (let i = 0; i < n; i++) {
        const slot = batch.slots[i]!;
        const length = slot.received;
        const capacity = slot.data.length;
        if (length > capacity || (slot.flags & MSG_TRUNC) !== 0) {
          // As in #receiveOne: lost and reported; the buffers grow (once
          // this burst's datagrams are copied out) for the next one that
          // size. The datagrams after it are queued behind the error.
          const want = Math.max(length, capacity + 1);
          grow = Math.max(grow, want);
          const size = nextBufferSize(capacity, want);
          const grown = size >= want ? `; the buffer now holds ${size} bytes` : '';
          this.#queue.push({ error: new SocketError(EMSGSIZE, 'recvmmsg', { message: `a ${length}-byte datagram did not fit the ${capacity}-byte receive buffer and was lost${grown}` }) });
          continue;
        }
        const at = slot.findControl(SOL_NETLINK, NetlinkSocketOption.NETLINK_PKTINFO);
        const datagram: Datagram = { bytes: this.#copyOut(slot.data, length, this.#burstWords[i]), group: at < 0 ? 0 : this.#burstControl[i]!.getUint32(at, true) };
        this.#queue.push(datagram);
        bytes += length;
        if (datagram.group !== 0 || this.#awaiting === 0) continue;
        if (endsWithTerminal(datagram.bytes) && --this.#awaiting === 0) lastAwaited = true;
      }
      taken += n;
      if (grow > 0) {
        // An error is queued: as #drain does after one, stop here.
        this.#grow(grow);
        return;
      }
      if (lastAwaited || this.#awaiting === 0) {
        // As in #drain: the last reply awaited has come; what else waits is read when epoll reports it.
        this.#mayReadInline = false;
        return;
      }
    }
  }

  /**
   * One datagram, an overrun, an error, or undefined when nothing is waiting.
   *
   * One `recvmsg` straight into the buffer, with `MSG_TRUNC` so that the
   * kernel returns the datagram's real length: a datagram that did not fit
   * (also flagged `MSG_TRUNC` in `msg_flags`) is lost, and reported as an
   * `EMSGSIZE` error; the buffer then grows so that the next one that size
   * fits.
   */
  #receiveOne(): Entry | undefined {
    for (;;) {
      const capacity = this.#buf.data.length;
      const n = this.#libc.recvmsg(this.#fd, this.#buf, capacity, MSG_TRUNC | MSG_DONTWAIT);
      if (n >= 0) {
        if (n > capacity || (this.#buf.flags & MSG_TRUNC) !== 0) {
          const length = Math.max(n, capacity + 1);
          this.#grow(length);
          const grown = this.#buf.data.length >= length ? `; the buffer now holds ${this.#buf.data.length} bytes` : '';
          return {
            error: new SocketError(EMSGSIZE, 'recvmsg', {
              message: `a ${n}-byte datagram did not fit the ${capacity}-byte receive buffer and was lost${grown}`,
            }),
          };
        }
        const at = this.#buf.findControl(SOL_NETLINK, NetlinkSocketOption.NETLINK_PKTINFO);
        const datagram: Datagram = { bytes: this.#copy(n), group: at < 0 ? 0 : this.#control.getUint32(at, true) };
        return datagram;
      }
      const errno = -n;
      if (errno === EINTR) continue;
      if (errno === EAGAIN) return undefined;
      if (errno === ENOBUFS) return OVERRUN;
      return { error: new SocketError(errno, 'recvmsg') };
    }
  }

  /**
   * The first `n` bytes of the receive buffer, copied out; small datagrams
   * (ACKs, single replies, events) into shared blocks (see `ByteBlocks`).
   */
  #copy(n: number): Uint8Array {
    return this.#copyOut(this.#buf.data, n, this.#words);
  }

  /** The first `n` bytes of `data`, copied out (small ones into shared blocks); `words` is `data` as 32-bit words, when aligned. */
  #copyOut(data: Uint8Array, n: number, words: Uint32Array | undefined): Uint8Array {
    if (n <= WORD_COPY && words !== undefined && (n + 3) >> 2 <= words.length) return this.#small.copyWords(words, n);
    return n > SMALL_DATAGRAM ? data.slice(0, n) : this.#small.copy(data.subarray(0, n));
  }

  /** Replaces the receive buffer by one that holds `length` bytes (doubling, up to the limit). */
  #grow(length: number): void {
    const size = nextBufferSize(this.#buf.data.length, length);
    if (size === this.#buf.data.length) return;
    const next = this.#libc.allocRecvBuffer(size, CONTROL_BUFFER);
    this.#buf.free();
    this.#buf = next;
    this.#control = viewOf(next.control);
    this.#words = wordsOf(next.data);
    // The burst slots are as large as the buffer: made again at that size when next needed.
    this.#burst?.free();
    this.#burst = undefined;
  }
}

/** `data` as 32-bit words, or undefined when it does not start on a word boundary. */
function wordsOf(data: Uint8Array): Uint32Array | undefined {
  return data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, data.byteLength >> 2) : undefined;
}

const RESOLVED = Promise.resolve();

/**
 * Runs `fn` in a microtask, as `queueMicrotask` does, without the
 * `AsyncResource` and bound function Node's `queueMicrotask` makes for each
 * call (the send of every request queues one). `fn` must not throw.
 */
function microtask(fn: () => void): void {
  void RESOLVED.then(fn);
}

/** `size` doubled until it holds `length` bytes, at most the largest buffer. */
function nextBufferSize(size: number, length: number): number {
  while (size < length && size < MAX_DATAGRAM_BUFFER) size *= 2;
  return Math.min(size, MAX_DATAGRAM_BUFFER);
}

/** The little-endian `u32` at `pos` (`nlmsg_len`, `nlmsg_seq`, ...). */
function u32At(bytes: Uint8Array, pos: number): number {
  return (bytes[pos]! | (bytes[pos + 1]! << 8) | (bytes[pos + 2]! << 16) | (bytes[pos + 3]! << 24)) >>> 0;
}

/** Whether the last message of a received datagram is an `NLMSG_ERROR` or `NLMSG_DONE`. */
function endsWithTerminal(bytes: Uint8Array): boolean {
  let last = -1;
  for (let pos = 0; pos + 16 <= bytes.length; ) {
    last = pos;
    const len = u32At(bytes, pos);
    if (len < 16) break;
    pos += (len + 3) & ~3;
  }
  if (last < 0) return false;
  const type = bytes[last + 4]! | (bytes[last + 5]! << 8);
  return type === NLMSG_ERROR || type === NLMSG_DONE;
}

function settled(e: Entry): Promise<IteratorResult<Inbound, undefined>> {
  return isErrorEntry(e) ? Promise.reject(e.error) : Promise.resolve({ done: false, value: e });
}

function isErrorEntry(e: Entry): e is { readonly error: Error } {
  return 'error' in e;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `struct sockaddr_nl { nl_family = AF_NETLINK, nl_pad, nl_pid, nl_groups }`. */
function sockaddrNl(pid: number, groups: number): Uint8Array {
  const a = new Uint8Array(SOCKADDR_NL_SIZE);
  const v = new DataView(a.buffer);
  v.setUint16(0, AF_NETLINK, true);
  v.setUint32(4, pid, true);
  v.setUint32(8, groups, true);
  return a;
}

function u32(value: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value >>> 0, true);
  return b;
}

function setIntOption(libc: Libc, fd: number, level: number, name: number, value: number, label: string): void {
  if (!Number.isInteger(value)) throw new RangeError(`${label}: value must be an integer`);
  check(libc.setsockopt(fd, level, name, u32(value)), `setsockopt(${label})`);
}

function requireU32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`${what} must be a 32-bit unsigned integer`);
}

function requireGroup(group: number): void {
  if (!Number.isInteger(group) || group < 1 || group > 0xffffffff) throw new RangeError(`invalid multicast group ${group}: groups are numbered from 1`);
}
