/**
 * The floors: what Node can do with the kernel through koffi and nothing
 * else. `socket`/`bind`/`send`/`recv` straight from libc, a 32 KiB receive
 * buffer, requests written by hand with a DataView, and replies walked by
 * their `nlmsghdr`s only. No nlkit code runs here: it is the yardstick.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * koffi is a dependency of @nlkit/live: resolved from there, or from the
 * absolute path `run.ts` hands its children (whose bundle lives elsewhere).
 */
function loadKoffi(): Koffi {
  const path = process.env.NLKIT_BENCH_KOFFI;
  if (path) return createRequire(path)(path) as Koffi;
  return createRequire(fileURLToPath(new URL('../packages/live/package.json', import.meta.url)))('koffi') as Koffi;
}

interface Koffi {
  load(path: string): { func(proto: string): (...args: unknown[]) => number | bigint };
  alloc(type: string, n: number): unknown;
  view(ptr: unknown, len: number): ArrayBuffer;
  free(ptr: unknown): void;
  errno(): number;
}

const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0o2000000;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const RTM_NEWROUTE = 24;
const RTM_GETROUTE = 26;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLM_F_DUMP = 0x300;
const NLM_F_EXCL = 0x200;
const NLM_F_CREATE = 0x400;
const RTA_DST = 1;
const RTA_OIF = 4;
const RTA_GATEWAY = 5;
/** The receive buffer of the floor: what a dump datagram needs (the kernel caps them near 32 KiB). */
export const FLOOR_BUFFER = 32 * 1024;
/** Size of one route add request: nlmsghdr 16 + rtmsg 12 + RTA_DST 8 + RTA_GATEWAY 8 + RTA_OIF 8. */
export const ROUTE_ADD_SIZE = 52;

let libc: {
  socket: (d: number, t: number, p: number) => number;
  bind: (fd: number, a: Uint8Array, l: number) => number;
  send: (fd: number, b: unknown, l: number, f: number) => number;
  recv: (fd: number, b: unknown, l: number, f: number) => number;
  close: (fd: number) => number;
  koffi: Koffi;
} | undefined;

function c(): NonNullable<typeof libc> {
  if (libc) return libc;
  const koffi = loadKoffi();
  const lib = koffi.load('libc.so.6');
  const socket = lib.func('int socket(int domain, int type, int protocol)');
  const bind = lib.func('int bind(int fd, const void *addr, uint32_t len)');
  const send = lib.func('intptr_t send(int fd, const void *buf, size_t len, int flags)');
  const recv = lib.func('intptr_t recv(int fd, void *buf, size_t len, int flags)');
  const close = lib.func('int close(int fd)');
  libc = {
    socket: (d, t, p) => Number(socket(d, t, p)),
    bind: (fd, a, l) => Number(bind(fd, a, l)),
    send: (fd, b, l, f) => Number(send(fd, b, l, f)),
    recv: (fd, b, l, f) => Number(recv(fd, b, l, f)),
    close: (fd) => Number(close(fd)),
    koffi,
  };
  return libc;
}

/** A bound NETLINK_ROUTE socket with a 32 KiB native receive buffer. */
export class FloorSocket {
  readonly fd: number;
  readonly #mem: unknown;
  /** The receive buffer's bytes. */
  readonly buf: DataView;
  readonly #send: NonNullable<typeof libc>['send'];
  readonly #recv: NonNullable<typeof libc>['recv'];

  constructor() {
    const l = c();
    this.#send = l.send;
    this.#recv = l.recv;
    const fd = l.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (fd < 0) throw new Error(`socket: errno ${l.koffi.errno()}`);
    const addr = new Uint8Array(12);
    new DataView(addr.buffer).setUint16(0, AF_NETLINK, true);
    if (l.bind(fd, addr, 12) < 0) throw new Error(`bind: errno ${l.koffi.errno()}`);
    this.fd = fd;
    this.#mem = l.koffi.alloc('uint8_t', FLOOR_BUFFER);
    this.buf = new DataView(l.koffi.view(this.#mem, FLOOR_BUFFER));
  }

  send(bytes: Uint8Array, length = bytes.length): void {
    const n = this.#send(this.fd, bytes, length, 0);
    if (n !== length) throw new Error(`send: ${n < 0 ? `errno ${c().koffi.errno()}` : `${n} of ${length} bytes`}`);
  }

  /** One datagram into the buffer; its length. */
  recv(): number {
    const n = this.#recv(this.fd, this.#mem, FLOOR_BUFFER, 0);
    if (n < 0) throw new Error(`recv: errno ${c().koffi.errno()}`);
    return n;
  }

  close(): void {
    c().close(this.fd);
    c().koffi.free(this.#mem);
  }
}

/**
 * One full IPv4 route dump: `RTM_GETROUTE` with `NLM_F_DUMP`, then `recv`
 * into the 32 KiB buffer until `NLMSG_DONE`, walking only the `nlmsghdr`s.
 * Returns the number of `RTM_NEWROUTE` messages.
 */
export function floorDump(sock: FloorSocket, seq: number): number {
  const req = new Uint8Array(28);
  const v = new DataView(req.buffer);
  v.setUint32(0, 28, true);
  v.setUint16(4, RTM_GETROUTE, true);
  v.setUint16(6, NLM_F_REQUEST | NLM_F_DUMP, true);
  v.setUint32(8, seq, true);
  req[16] = 2; // rtm_family = AF_INET
  sock.send(req);
  const buf = sock.buf;
  let routes = 0;
  for (;;) {
    const n = sock.recv();
    for (let p = 0; p + 16 <= n; ) {
      const len = buf.getUint32(p, true);
      const type = buf.getUint16(p + 4, true);
      if (type === NLMSG_DONE) return routes;
      if (type === NLMSG_ERROR) throw new Error(`dump failed: error ${buf.getInt32(p + 16, true)}`);
      if (type === RTM_NEWROUTE) routes++;
      p += (len + 3) & ~3;
    }
  }
}

/** The destination of route `i` of run `run`, `12.run.(i>>8).(i&255)`, as a big-endian 32-bit number. */
export function addDst(run: number, i: number): number {
  return ((12 << 24) | ((run & 255) << 16) | (i & 0xffff)) >>> 0;
}

/** `a.b.c.d` of a big-endian 32-bit address. */
export function dotted(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** Writes the `RTM_NEWROUTE` for `dst/32 via gateway dev oif` at `pos` (52 bytes); addresses big-endian 32-bit numbers. */
export function writeRouteAdd(v: DataView, pos: number, seq: number, dst: number, gateway: number, oif: number): void {
  // struct rtmsg: family, dst_len, src_len, tos | table, protocol, scope, type | flags
  writeRouteAddWords(v, pos, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq, 2 | (32 << 8), 254 | (4 << 8) | (0 << 16) | (1 << 24), dst, gateway, oif);
}

/** The 52 bytes of a route add: `nlmsghdr`, `rtmsg` as its three 32-bit words (the last zero), `RTA_DST`, `RTA_GATEWAY`, `RTA_OIF`. */
function writeRouteAddWords(v: DataView, pos: number, flags: number, seq: number, rtm0: number, rtm1: number, dst: number, gateway: number, oif: number): void {
  v.setUint32(pos, ROUTE_ADD_SIZE, true);
  v.setUint16(pos + 4, RTM_NEWROUTE, true);
  v.setUint16(pos + 6, flags, true);
  v.setUint32(pos + 8, seq, true);
  v.setUint32(pos + 12, 0, true);
  v.setUint32(pos + 16, rtm0, true);
  v.setUint32(pos + 20, rtm1, true);
  v.setUint32(pos + 24, 0, true);
  v.setUint32(pos + 28, 8 | (RTA_DST << 16), true);
  v.setUint32(pos + 32, dst, false);
  v.setUint32(pos + 36, 8 | (RTA_GATEWAY << 16), true);
  v.setUint32(pos + 40, gateway, false);
  v.setUint32(pos + 44, 8 | (RTA_OIF << 16), true);
  v.setUint32(pos + 48, oif, true);
}

/**
 * A route add as an API taking request objects is handed it: the header
 * fields by name and the addresses as dotted-quad strings, the shape of
 * nlkit's own write cases (bench/nlkit.ts).
 */
export interface RouteAddRequest {
  name: 'RTM_NEWROUTE';
  flags: number;
  header: { family: number; dstLen: number; table: number; protocol: number; scope: number; type: number };
  attrs: { dst: string; gateway: string; oif: number };
}

/** The request object of route `i` of run `run`: what nlkit's write cases (bench/nlkit.ts) send, and the bound rows write by hand. */
export function routeAddRequest(run: number, i: number, gateway: string, oif: number): RouteAddRequest {
  return {
    name: 'RTM_NEWROUTE',
    flags: NLM_F_CREATE | NLM_F_EXCL,
    header: { family: 2, dstLen: 32, table: 254, protocol: 4, scope: 0, type: 1 },
    attrs: { dst: dotted(addDst(run, i)), gateway, oif },
  };
}

/** A dotted-quad IPv4 address as a big-endian 32-bit number, or -1 (as strict as nlkit's parser). */
export function dottedNumber(s: string): number {
  let word = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d >= 0 && d <= 9) {
      // As strict as nlkit's parser: a leading 0 stands alone (`010` is ambiguous).
      if (digits > 0 && part === 0) return -1;
      part = part * 10 + d;
      digits++;
      if (part > 255) return -1;
    } else if (d === -2 && digits > 0 && dots < 3) {
      word = (word << 8) | part;
      part = digits = 0;
      dots++;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return ((word << 8) | part) >>> 0;
}

/** True when `v` is an integer that fits `bits` unsigned bits. */
function fits(v: number, bits: 8 | 16 | 32): boolean {
  return bits === 32 ? v >>> 0 === v : (v & ((1 << bits) - 1)) === v;
}

/**
 * Writes `req` at `pos` with sequence number `seq` (52 bytes, `NLM_F_REQUEST
 * | NLM_F_ACK` added to its flags): the bytes of {@link writeRouteAdd}, read
 * from the object, its header fields range-checked and its two addresses
 * parsed by hand. An encoder for this one message and nothing else: the
 * least a library taking such objects has to do per request.
 */
export function writeRouteAddRequest(v: DataView, pos: number, seq: number, req: RouteAddRequest): void {
  const h = req.header;
  const a = req.attrs;
  if (!fits(req.flags, 16) || !fits(h.family, 8) || !fits(h.dstLen, 8) || !fits(h.table, 8) || !fits(h.protocol, 8) || !fits(h.scope, 8) || !fits(h.type, 8) || !fits(a.oif, 32)) {
    throw new RangeError('route add: a header field or oif out of range');
  }
  const dst = dottedNumber(a.dst);
  const gateway = dottedNumber(a.gateway);
  if (dst < 0 || gateway < 0) throw new RangeError(`route add: not a dotted-quad address: ${dst < 0 ? a.dst : a.gateway}`);
  writeRouteAddWords(v, pos, req.flags | NLM_F_REQUEST | NLM_F_ACK, seq, h.family | (h.dstLen << 8), (h.table | (h.protocol << 8) | (h.scope << 16) | (h.type << 24)) >>> 0, dst, gateway, a.oif);
}

/** Reads acks from the socket until `count` have come; throws on a refusal. */
function collectAcks(sock: FloorSocket, count: number): void {
  const buf = sock.buf;
  let acks = 0;
  while (acks < count) {
    const n = sock.recv();
    for (let p = 0; p + 16 <= n; ) {
      const len = buf.getUint32(p, true);
      if (buf.getUint16(p + 4, true) === NLMSG_ERROR) {
        const err = buf.getInt32(p + 16, true);
        if (err !== 0) throw new Error(`route add refused: errno ${-err}`);
        acks++;
      }
      p += (len + 3) & ~3;
    }
  }
}

/** Adds `count` routes one request and one ACK at a time. */
export function floorAddSequential(sock: FloorSocket, run: number, count: number, gateway: number, oif: number): number {
  const req = new Uint8Array(ROUTE_ADD_SIZE);
  const v = new DataView(req.buffer);
  for (let i = 0; i < count; i++) {
    writeRouteAdd(v, 0, i + 1, addDst(run, i), gateway, oif);
    sock.send(req);
    collectAcks(sock, 1);
  }
  return count;
}

/**
 * {@link floorAddSequential} with each request made as an object
 * ({@link routeAddRequest}) and written by {@link writeRouteAddRequest}:
 * what any API taking request objects adds before a line of library code.
 */
export function floorAddSequentialObjects(sock: FloorSocket, run: number, count: number, gateway: string, oif: number): number {
  const req = new Uint8Array(ROUTE_ADD_SIZE);
  const v = new DataView(req.buffer);
  for (let i = 0; i < count; i++) {
    writeRouteAddRequest(v, 0, i + 1, routeAddRequest(run, i, gateway, oif));
    sock.send(req);
    collectAcks(sock, 1);
  }
  return count;
}

/** {@link floorAddBatched} with the requests made and written as {@link floorAddSequentialObjects} does, all of them before the first is sent (as a batch is compiled, then applied). */
export function floorAddBatchedObjects(sock: FloorSocket, run: number, count: number, gateway: string, oif: number, perDatagram: number): number {
  const req = new Uint8Array(ROUTE_ADD_SIZE * count);
  const v = new DataView(req.buffer);
  for (let i = 0; i < count; i++) writeRouteAddRequest(v, i * ROUTE_ADD_SIZE, i + 1, routeAddRequest(run, i, gateway, oif));
  for (let i = 0; i < count; i += perDatagram) {
    const k = Math.min(perDatagram, count - i);
    sock.send(req.subarray(i * ROUTE_ADD_SIZE), k * ROUTE_ADD_SIZE);
    collectAcks(sock, k);
  }
  return count;
}

/** Adds `count` routes `perDatagram` requests to a datagram, waiting for each datagram's ACKs before the next. */
export function floorAddBatched(sock: FloorSocket, run: number, count: number, gateway: number, oif: number, perDatagram: number): number {
  const req = new Uint8Array(ROUTE_ADD_SIZE * perDatagram);
  const v = new DataView(req.buffer);
  for (let i = 0; i < count; i += perDatagram) {
    const k = Math.min(perDatagram, count - i);
    for (let j = 0; j < k; j++) writeRouteAdd(v, j * ROUTE_ADD_SIZE, i + j + 1, addDst(run, i + j), gateway, oif);
    sock.send(req, k * ROUTE_ADD_SIZE);
    collectAcks(sock, k);
  }
  return count;
}
