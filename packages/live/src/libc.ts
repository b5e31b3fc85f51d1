/**
 * The C library seam: every system call the live transport and the namespace
 * helpers make goes through a {@link Libc}. The default implementation binds
 * glibc through koffi (`koffi-libc.ts`); another FFI, or a wrapper that
 * injects failures in tests, can stand in for it.
 *
 * Conventions, chosen so that the hot receive path never allocates an error:
 * - Calls return what the C function returns when it succeeds, and
 *   `-errno` when it fails (the raw-syscall convention), with errno read
 *   immediately after the call on the calling thread. `check()` in
 *   `errors.ts` turns a negative return into a `SocketError`.
 * - Buffers are `Uint8Array`s passed by pointer, honouring `byteOffset`;
 *   nothing is copied and nothing is kept after the call returns.
 * - Everything is synchronous and runs on the calling (main) thread, which
 *   matters for `setns`/`unshare`: they act on the calling thread only.
 */
export interface Libc {
  /** `socket(2)`: a new socket's descriptor. */
  socket(domain: number, type: number, protocol: number): number;
  /** `bind(2)` to the socket address in `addr` (a `struct sockaddr_*`, e.g. `sockaddr_nl`). */
  bind(fd: number, addr: Uint8Array): number;
  /** `getsockname(2)` into `addr`; returns the address length the kernel wrote. */
  getsockname(fd: number, addr: Uint8Array): number;
  /** `setsockopt(2)` with `value` as the option bytes. */
  setsockopt(fd: number, level: number, name: number, value: Uint8Array): number;
  /** `getsockopt(2)` into `value`; returns the option length the kernel reports (may exceed `value.length`). */
  getsockopt(fd: number, level: number, name: number, value: Uint8Array): number;
  /** `sendto(2)` of `data` to the socket address `addr`; returns the bytes sent. */
  sendto(fd: number, data: Uint8Array, flags: number, addr: Uint8Array): number;
  /**
   * `recvmsg(2)` of one datagram into `msg`, which came from this Libc's
   * {@link allocRecvBuffer}. Only the first `dataLength` bytes of `msg.data`
   * are offered (0 with `MSG_PEEK | MSG_TRUNC` learns the next datagram's
   * length without taking it). Returns the bytes received, or with
   * `MSG_TRUNC` the datagram's full length; `msg.flags` and
   * `msg.controlLength` then hold what the kernel reported.
   */
  recvmsg(fd: number, msg: RecvBuffer, dataLength: number, flags: number): number;
  /**
   * Memory for {@link recvmsg} that stays put between calls: a `struct
   * msghdr` with one `iovec` over `dataSize` bytes and `controlSize` bytes of
   * ancillary data. Release it with `free()`.
   */
  allocRecvBuffer(dataSize: number, controlSize: number): RecvBuffer;
  /**
   * `recvmmsg(2)`: up to `count` datagrams in one call, into the first
   * slots of `batch` (from this Libc's {@link allocRecvBatch}), each offered
   * its whole data area. Returns how many were received, or `-errno` when
   * none was; each slot's `received`, `flags` and `controlLength` then hold
   * what the kernel reported for it (with `MSG_TRUNC`, `received` is the
   * datagram's full length). Optional: without it, datagrams are received
   * one `recvmsg` at a time.
   */
  recvmmsg?(fd: number, batch: RecvBatch, count: number, flags: number): number;
  /** Memory for {@link recvmmsg}: `slots` receive buffers of `dataSize` and `controlSize` bytes, and their `struct mmsghdr`s. */
  allocRecvBatch?(slots: number, dataSize: number, controlSize: number): RecvBatch;
  /** `close(2)`. */
  close(fd: number): number;
  /** `open(2)` of `path`. */
  open(path: string, flags: number, mode: number): number;
  /** `setns(2)`: move the calling thread into the namespace open at `fd`. */
  setns(fd: number, nstype: number): number;
  /** `unshare(2)`: give the calling thread new namespaces of the kinds in `flags`. */
  unshare(flags: number): number;
  /** `mount(2)` with no filesystem data. */
  mount(source: string, target: string, fstype: string, flags: number): number;
  /** `umount2(2)`. */
  umount2(target: string, flags: number): number;
  /**
   * Readiness notification on Node's event loop (an `epoll` watch inside
   * libuv, `uv_poll_t`): `onReadable` runs on the main thread whenever `fd`
   * is readable while the watch is started. Starts stopped.
   */
  watchReadable(fd: number, onReadable: () => void): ReadableWatch;
}

/**
 * A level-triggered readability watch on one descriptor. A started watch keeps
 * the Node process alive, like a socket with a pending read; a stopped or
 * closed one does not. It stays started until `stop()` or `close()`, also
 * across error conditions on the descriptor (those are reported as readable,
 * for the next receive to return the error).
 */
export interface ReadableWatch {
  /** Begin (or resume) calling `onReadable` while the descriptor is readable. Idempotent. */
  start(): void;
  /** Stop calling `onReadable`; `start()` may resume. Idempotent. */
  stop(): void;
  /** Stop for good and release the watch. Must come before the descriptor is closed. Idempotent. */
  close(): void;
}

/**
 * A receive buffer for `recvmsg(2)` owned by a {@link Libc}: the datagram
 * lands in `data`, ancillary messages (`struct cmsghdr`s) in `control`.
 * The views are overwritten by the next receive; copy out what you keep.
 */
export interface RecvBuffer {
  /** Where datagrams land; its length is the capacity. */
  readonly data: Uint8Array;
  /** `msg_control`: the ancillary data area. */
  readonly control: Uint8Array;
  /** `msg_flags` after the last receive (`MSG_TRUNC`, `MSG_CTRUNC`). */
  readonly flags: number;
  /** `msg_controllen` after the last receive: the bytes of `control` in use. */
  readonly controlLength: number;
  /**
   * `CMSG_FIRSTHDR`/`CMSG_NXTHDR` over the last receive's ancillary data:
   * the byte offset in `control` of the payload (`CMSG_DATA`) of the first
   * control message with this level and type, or -1.
   */
  findControl(level: number, type: number): number;
  /** Releases the memory. The views must not be used afterwards. Idempotent. */
  free(): void;
}

/** One slot of a {@link RecvBatch}: a receive buffer, and the length the kernel gave its datagram. */
export interface RecvSlot extends Omit<RecvBuffer, 'free'> {
  /** `msg_len` after the last `recvmmsg`: the datagram's length (its full length with `MSG_TRUNC`). */
  readonly received: number;
}

/** Receive buffers for `recvmmsg(2)` owned by a {@link Libc}; overwritten by the next receive. */
export interface RecvBatch {
  /** The receive buffers, in the order `recvmmsg` fills them. */
  readonly slots: readonly RecvSlot[];
  /** Releases the memory. The slots must not be used afterwards. Idempotent. */
  free(): void;
}
