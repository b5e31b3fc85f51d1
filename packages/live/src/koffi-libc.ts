import koffi from 'koffi';
import { endianness } from 'node:os';
import type { Libc, ReadableWatch, RecvBatch, RecvBuffer } from './libc.js';

/**
 * koffi's libuv poll binding (`koffi.node.poll`, a `uv_poll_t` on Node's own
 * loop). Declared here because koffi's bundled typings describe the callback
 * as `(events) => void`, while the native code (`src/koffi/src/uv.cc`) calls
 * it with `(status, events)`.
 */
interface KoffiPollHandle {
  start(options: { readable: boolean }, callback: (status: number) => void): void;
  stop(): void;
  close(): void;
}
interface KoffiNode {
  poll(fd: number, options: { readable: boolean }, callback: (status: number) => void): KoffiPollHandle;
}

/** Typed views of the glibc functions bound below. */
interface Bound {
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, addr: Uint8Array, len: number): number;
  getsockname(fd: number, addr: Uint8Array, len: [number]): number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array, len: number): number;
  getsockopt(fd: number, level: number, name: number, value: Uint8Array, len: [number]): number;
  sendto(fd: number, data: unknown, len: number, flags: number, addr: Uint8Array, addrLen: number): number;
  recvmsg(fd: number, msg: unknown, flags: number): number;
  recvmmsg(fd: number, vec: unknown, vlen: number, flags: number, timeout: null): number;
  close(fd: number): number;
  open(path: string, flags: number, modeType: 'uint32_t', mode: number): number;
  setns(fd: number, nstype: number): number;
  unshare(flags: number): number;
  mount(source: string, target: string, fstype: string, flags: number, data: null): number;
  umount2(target: string, flags: number): number;
}

function bindGlibc(): Bound {
  const lib = koffi.load('libc.so.6');
  // Prototypes as in glibc's headers; `void *` buffers take a typed array's
  // memory by pointer without copying. `socklen_t` is a 32-bit unsigned int;
  // `open` is variadic, so its mode is passed with an explicit type.
  return {
    socket: lib.func('int socket(int domain, int type, int protocol)'),
    bind: lib.func('int bind(int fd, const void *addr, uint32_t len)'),
    getsockname: lib.func('int getsockname(int fd, void *addr, _Inout_ uint32_t *len)'),
    setsockopt: lib.func('int setsockopt(int fd, int level, int name, const void *value, uint32_t len)'),
    getsockopt: lib.func('int getsockopt(int fd, int level, int name, void *value, _Inout_ uint32_t *len)'),
    sendto: lib.func('intptr_t sendto(int fd, const void *buf, size_t len, int flags, const void *addr, uint32_t addrlen)'),
    recvmsg: lib.func('intptr_t recvmsg(int fd, void *msg, int flags)'),
    recvmmsg: lib.func('int recvmmsg(int fd, void *msgvec, unsigned int vlen, int flags, void *timeout)'),
    close: lib.func('int close(int fd)'),
    open: lib.func('int open(const char *path, int flags, ...)'),
    setns: lib.func('int setns(int fd, int nstype)'),
    unshare: lib.func('int unshare(int flags)'),
    mount: lib.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)'),
    umount2: lib.func('int umount2(const char *target, int flags)'),
  } as Bound;
}

/** Native layouts of `struct msghdr`, `struct iovec` and `struct cmsghdr` for this ABI. */
const Iovec = koffi.struct({ iov_base: 'void *', iov_len: 'size_t' });
const Msghdr = koffi.struct({
  msg_name: 'void *',
  msg_namelen: 'uint32_t',
  msg_iov: 'void *',
  msg_iovlen: 'size_t',
  msg_control: 'void *',
  msg_controllen: 'size_t',
  msg_flags: 'int',
});
const Cmsghdr = koffi.struct({ cmsg_len: 'size_t', cmsg_level: 'int', cmsg_type: 'int' });
const WORD = koffi.sizeof('size_t');
const OFF = {
  iov: koffi.offsetof(Msghdr, 'msg_iov'),
  iovlen: koffi.offsetof(Msghdr, 'msg_iovlen'),
  control: koffi.offsetof(Msghdr, 'msg_control'),
  controllen: koffi.offsetof(Msghdr, 'msg_controllen'),
  flags: koffi.offsetof(Msghdr, 'msg_flags'),
  iovBase: koffi.offsetof(Iovec, 'iov_base'),
  iovLen: koffi.offsetof(Iovec, 'iov_len'),
  cmsgLevel: koffi.offsetof(Cmsghdr, 'cmsg_level'),
  cmsgType: koffi.offsetof(Cmsghdr, 'cmsg_type'),
};
/** `CMSG_ALIGN`: ancillary data is aligned to `size_t`. */
const cmsgAlign = (n: number): number => (n + WORD - 1) & ~(WORD - 1);
const CMSG_HDR = cmsgAlign(koffi.sizeof(Cmsghdr));

/**
 * A `struct msghdr` in native memory with one `iovec` over a data area and a
 * control area, wherever in their block the three are placed. The typed
 * arrays are views of that memory (`koffi.view`), so a receive lands in them
 * without a copy.
 */
class NativeMsg {
  readonly data: Uint8Array;
  readonly control: Uint8Array;
  /** The block, from the `msghdr` on. */
  readonly #hdr: DataView;
  /** Offset of `iov_len` from the `msghdr`. */
  readonly #iovLen: number;
  readonly #ctl: DataView;

  constructor(block: ArrayBuffer, base: bigint, at: { hdr: number; iov: number; control: number; controlSize: number; data: number; dataSize: number }) {
    this.#hdr = new DataView(block, at.hdr);
    this.control = new Uint8Array(block, at.control, at.controlSize);
    this.#ctl = new DataView(block, at.control, at.controlSize);
    this.data = new Uint8Array(block, at.data, at.dataSize);
    // msg_name stays NULL (namelen 0): the group comes from NETLINK_PKTINFO.
    this.#pointer(OFF.iov, base + BigInt(at.iov));
    this.#word(OFF.iovlen, 1);
    this.#pointer(OFF.control, base + BigInt(at.control));
    this.#pointer(at.iov - at.hdr + OFF.iovBase, base + BigInt(at.data));
    this.#iovLen = at.iov - at.hdr + OFF.iovLen;
  }

  get flags(): number {
    return this.#hdr.getInt32(OFF.flags, true);
  }

  get controlLength(): number {
    return this.#hdr.getUint32(OFF.controllen, true);
  }

  /** The `unsigned int` right after the `msghdr` (`msg_len` of a `struct mmsghdr`). */
  get received(): number {
    return this.#hdr.getUint32(MSGHDR_SIZE, true);
  }

  /** Sets the lengths the kernel reads (and overwrites) before a receive. */
  prepare(dataLength: number): void {
    this.#word(this.#iovLen, Math.min(dataLength, this.data.length));
    this.resetControl();
  }

  /** Offers the whole control area again (the kernel writes back the length it used). */
  resetControl(): void {
    this.#word(OFF.controllen, this.control.length);
  }

  findControl(level: number, type: number): number {
    const end = Math.min(this.controlLength, this.control.length);
    let off = 0;
    while (off + CMSG_HDR <= end) {
      const len = this.#ctl.getUint32(off, true);
      if (len < CMSG_HDR) return -1;
      if (this.#ctl.getInt32(off + OFF.cmsgLevel, true) === level && this.#ctl.getInt32(off + OFF.cmsgType, true) === type) return off + CMSG_HDR;
      off += cmsgAlign(len);
    }
    return -1;
  }

  /** Writes a `size_t` (little-endian; the high half is zero on 64-bit ABIs). */
  #word(offset: number, value: number): void {
    this.#hdr.setUint32(offset, value, true);
    if (WORD === 8) this.#hdr.setUint32(offset + 4, 0, true);
  }

  #pointer(offset: number, address: bigint): void {
    if (WORD === 8) this.#hdr.setBigUint64(offset, address, true);
    else this.#hdr.setUint32(offset, Number(address), true);
  }
}

/** `sizeof(struct msghdr)`, and of `struct mmsghdr` (the `msghdr`, then `unsigned int msg_len`, padded). */
const MSGHDR_SIZE = koffi.sizeof(Msghdr);
const MMSGHDR_SIZE = cmsgAlign(MSGHDR_SIZE + 4);
const IOVEC_SIZE = cmsgAlign(koffi.sizeof(Iovec));

function requireLittleEndian(): void {
  if (endianness() !== 'LE') throw new Error('the koffi Libc supports little-endian machines only');
}

/** One native block holding a `msghdr`, its `iovec`, the control area and the data area, so the pointers inside stay valid for the buffer's life. */
class KoffiRecvBuffer implements RecvBuffer {
  readonly data: Uint8Array;
  readonly control: Uint8Array;
  #mem: unknown;
  readonly #msg: NativeMsg;

  constructor(dataSize: number, controlSize: number) {
    requireLittleEndian();
    const hdrSize = cmsgAlign(MSGHDR_SIZE);
    const ctlSize = cmsgAlign(controlSize);
    const total = hdrSize + IOVEC_SIZE + ctlSize + dataSize;
    const mem: unknown = koffi.alloc('uint8_t', total);
    this.#mem = mem;
    this.#msg = new NativeMsg(koffi.view(mem, total), BigInt(koffi.address(mem)), {
      hdr: 0, iov: hdrSize, control: hdrSize + IOVEC_SIZE, controlSize: ctlSize, data: hdrSize + IOVEC_SIZE + ctlSize, dataSize,
    });
    this.data = this.#msg.data;
    this.control = this.#msg.control;
  }

  get flags(): number {
    return this.#msg.flags;
  }

  get controlLength(): number {
    return this.#msg.controlLength;
  }

  /** Sets the lengths the kernel reads (and overwrites), calls recvmsg, and reads errno at once. */
  receive(recvmsg: Bound['recvmsg'], fd: number, dataLength: number, flags: number): number {
    if (this.#mem === undefined) throw new Error('recvmsg: the buffer has been freed');
    this.#msg.prepare(dataLength);
    return ret(recvmsg(fd, this.#mem, flags));
  }

  findControl(level: number, type: number): number {
    return this.#msg.findControl(level, type);
  }

  free(): void {
    if (this.#mem === undefined) return;
    koffi.free(this.#mem);
    this.#mem = undefined;
  }
}

/**
 * One native block for `recvmmsg`: the array of `struct mmsghdr`s, then
 * each slot's `iovec`, control area and data area.
 */
class KoffiRecvBatch implements RecvBatch {
  readonly slots: readonly NativeMsg[];
  #mem: unknown;

  constructor(slots: number, dataSize: number, controlSize: number) {
    requireLittleEndian();
    const ctlSize = cmsgAlign(controlSize);
    const dataAligned = cmsgAlign(dataSize);
    const iovAt = slots * MMSGHDR_SIZE;
    const ctlAt = iovAt + slots * IOVEC_SIZE;
    const dataAt = ctlAt + slots * ctlSize;
    const total = dataAt + slots * dataAligned;
    const mem: unknown = koffi.alloc('uint8_t', total);
    const block = koffi.view(mem, total);
    const base = BigInt(koffi.address(mem));
    this.#mem = mem;
    this.slots = Array.from({ length: slots }, (_, i) => new NativeMsg(block, base, {
      hdr: i * MMSGHDR_SIZE, iov: iovAt + i * IOVEC_SIZE, control: ctlAt + i * ctlSize, controlSize: ctlSize, data: dataAt + i * dataAligned, dataSize,
    }));
    for (const slot of this.slots) slot.prepare(dataSize);
  }

  /**
   * Calls recvmmsg and reads errno at once. Every slot offers its whole data
   * area (set once: the kernel does not change `iov_len`); the control areas
   * the last call filled are offered whole again.
   */
  receive(recvmmsg: Bound['recvmmsg'], fd: number, count: number, flags: number): number {
    if (this.#mem === undefined) throw new Error('recvmmsg: the buffers have been freed');
    for (let i = 0; i < this.#filled; i++) this.slots[i]!.resetControl();
    const r = ret(recvmmsg(fd, this.#mem, Math.min(count, this.slots.length), flags, null));
    this.#filled = r > 0 ? r : 0;
    return r;
  }

  /** Slots the last call filled: their `msg_controllen` holds what the kernel used. */
  #filled = 0;

  free(): void {
    if (this.#mem === undefined) return;
    koffi.free(this.#mem);
    this.#mem = undefined;
  }
}

/** `r` when the call succeeded, else `-errno`, read before anything else can call into libc. */
function ret(r: number): number {
  return r < 0 ? -koffi.errno() : r;
}

/** Requests up to this size are copied into native memory before `sendto` (see `KoffiLibc.sendto`). */
const STAGE_SIZE = 512;

/** Native memory small requests are staged in; one per process, never freed (the calls using it are synchronous). */
class NativeStage {
  readonly mem: unknown = koffi.alloc('uint8_t', STAGE_SIZE);
  readonly bytes = new Uint8Array(koffi.view(this.mem, STAGE_SIZE));
}

/**
 * The {@link Libc} over glibc through koffi. Calls run synchronously on the
 * calling thread; readiness comes from libuv's `uv_poll_t` on Node's loop.
 */
class KoffiLibc implements Libc {
  readonly #c: Bound;
  readonly #node: KoffiNode;
  readonly #lenCell: [number] = [0];
  #stage: NativeStage | undefined;

  constructor() {
    this.#c = bindGlibc();
    this.#node = koffi.node as unknown as KoffiNode;
  }

  socket(domain: number, type: number, protocol: number): number {
    return ret(this.#c.socket(domain, type, protocol));
  }
  bind(fd: number, addr: Uint8Array): number {
    return ret(this.#c.bind(fd, addr, addr.length));
  }
  getsockname(fd: number, addr: Uint8Array): number {
    this.#lenCell[0] = addr.length;
    const r = ret(this.#c.getsockname(fd, addr, this.#lenCell));
    return r < 0 ? r : this.#lenCell[0];
  }
  setsockopt(fd: number, level: number, name: number, value: Uint8Array): number {
    return ret(this.#c.setsockopt(fd, level, name, value, value.length));
  }
  getsockopt(fd: number, level: number, name: number, value: Uint8Array): number {
    this.#lenCell[0] = value.length;
    const r = ret(this.#c.getsockopt(fd, level, name, value, this.#lenCell));
    return r < 0 ? r : this.#lenCell[0];
  }
  sendto(fd: number, data: Uint8Array, flags: number, addr: Uint8Array): number {
    const n = data.length;
    if (n > STAGE_SIZE) return ret(this.#c.sendto(fd, data, n, flags, addr, addr.length));
    // A small request is usually a fresh typed array kept on V8's heap, which
    // koffi would have to move out of the heap to take its address: copying
    // it into native memory held for the purpose is cheaper.
    const stage = (this.#stage ??= new NativeStage());
    stage.bytes.set(data);
    return ret(this.#c.sendto(fd, stage.mem, n, flags, addr, addr.length));
  }
  recvmsg(fd: number, msg: RecvBuffer, dataLength: number, flags: number): number {
    if (!(msg instanceof KoffiRecvBuffer)) throw new TypeError('recvmsg: the buffer must come from this Libc');
    return msg.receive(this.#c.recvmsg, fd, dataLength, flags);
  }
  allocRecvBuffer(dataSize: number, controlSize: number): RecvBuffer {
    return new KoffiRecvBuffer(dataSize, controlSize);
  }
  recvmmsg(fd: number, batch: RecvBatch, count: number, flags: number): number {
    if (!(batch instanceof KoffiRecvBatch)) throw new TypeError('recvmmsg: the buffers must come from this Libc');
    return batch.receive(this.#c.recvmmsg, fd, count, flags);
  }
  allocRecvBatch(slots: number, dataSize: number, controlSize: number): RecvBatch {
    return new KoffiRecvBatch(slots, dataSize, controlSize);
  }
  close(fd: number): number {
    return ret(this.#c.close(fd));
  }
  open(path: string, flags: number, mode: number): number {
    return ret(this.#c.open(path, flags, 'uint32_t', mode));
  }
  setns(fd: number, nstype: number): number {
    return ret(this.#c.setns(fd, nstype));
  }
  unshare(flags: number): number {
    return ret(this.#c.unshare(flags));
  }
  mount(source: string, target: string, fstype: string, flags: number): number {
    return ret(this.#c.mount(source, target, fstype, flags, null));
  }
  umount2(target: string, flags: number): number {
    return ret(this.#c.umount2(target, flags));
  }

  watchReadable(fd: number, onReadable: () => void): ReadableWatch {
    const node = this.#node;
    // The uv handle exists only while needed: made on first start, released by close.
    let handle: KoffiPollHandle | undefined;
    let started = false;
    let closed = false;
    const callback = (status: number): void => {
      // On EPOLLERR (how epoll reports a socket error such as netlink's
      // ENOBUFS) libuv stops the handle and reports UV_EBADF. The watch is
      // meant to stay started until stop(), so resume it; onReadable's
      // receive then picks up the error, which clears it.
      if (status < 0 && started) handle?.start({ readable: true }, callback);
      onReadable();
    };
    return {
      start() {
        if (closed || started) return;
        started = true;
        if (handle === undefined) handle = node.poll(fd, { readable: true }, callback);
        else handle.start({ readable: true }, callback);
      },
      stop() {
        if (!started) return;
        started = false;
        handle?.stop();
      },
      close() {
        if (closed) return;
        closed = true;
        started = false;
        // uv_close() stops the watch and takes the fd out of epoll at once;
        // the handle's memory is released later on the loop.
        handle?.close();
        handle = undefined;
      },
    };
  }
}

let shared: Libc | undefined;

/**
 * The process-wide {@link Libc} bound to glibc (`libc.so.6`) through koffi,
 * created on first use.
 */
export function koffiLibc(): Libc {
  shared ??= new KoffiLibc();
  return shared;
}
