/**
 * Capture bytes built by hand, field by field, for the tests: independent of
 * the package's writer so that reader and writer cannot share a mistake.
 */

/** Appends fixed-width fields in one byte order. */
export class ByteBuilder {
  private readonly parts: number[] = [];
  constructor(private readonly littleEndian: boolean) {}

  private int(value: bigint, width: number): this {
    const bytes: number[] = [];
    let v = BigInt.asUintN(width * 8, value);
    for (let i = 0; i < width; i++) {
      bytes.push(Number(v & 0xffn));
      v >>= 8n;
    }
    if (!this.littleEndian) bytes.reverse();
    this.parts.push(...bytes);
    return this;
  }
  u8(v: number): this {
    return this.int(BigInt(v), 1);
  }
  u16(v: number): this {
    return this.int(BigInt(v), 2);
  }
  u32(v: number): this {
    return this.int(BigInt(v), 4);
  }
  i64(v: bigint): this {
    return this.int(v, 8);
  }
  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.parts.push(bytes[i]);
    return this;
  }
  /** Zero bytes up to a multiple of 4. */
  align4(): this {
    while (this.parts.length % 4 !== 0) this.parts.push(0);
    return this;
  }
  get length(): number {
    return this.parts.length;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

// ---- netlink messages (little-endian host, as on x86) ----

/** A netlink message: nlmsghdr (len, type, flags, seq, pid) + payload, padded to 4. */
export function nlmsg(type: number, flags: number, seq: number, pid: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const b = new ByteBuilder(true).u32(16 + payload.length).u16(type).u16(flags).u32(seq).u32(pid).raw(payload);
  return b.align4().done();
}

/** RTM_GETLINK (18) dump request: flags NLM_F_REQUEST|NLM_F_DUMP (0x301), 16-byte ifinfomsg of zeros. */
export function getlinkDump(seq: number): Uint8Array {
  return nlmsg(18, 0x301, seq, 0, new Uint8Array(16));
}

/** NLMSG_DONE (3) with NLM_F_MULTI and a zero error int. */
export function done(seq: number, pid: number): Uint8Array {
  return nlmsg(3, 0x2, seq, pid, new Uint8Array(4));
}

/** NLMSG_ERROR (2) carrying `errno` (negative, or 0 for an ACK) and the request's header. */
export function error(seq: number, pid: number, errno: number, request: Uint8Array): Uint8Array {
  const body = new ByteBuilder(true).u32(errno >>> 0).raw(request.subarray(0, 16)).done();
  return nlmsg(2, 0x100, seq, pid, body);
}

// ---- pseudo headers (always big-endian) ----

/** The 16-byte LINKTYPE_NETLINK / LINKTYPE_LINUX_SLL header. */
export function cooked(pkttype: number, protocol: number, hatype = 824): Uint8Array {
  return new ByteBuilder(false).u16(pkttype).u16(hatype).u16(0).raw(new Uint8Array(8)).u16(protocol).done();
}

/** The 20-byte LINKTYPE_LINUX_SLL2 header. */
export function sll2(pkttype: number, protocol: number, hatype = 824, ifindex = 7): Uint8Array {
  return new ByteBuilder(false).u16(protocol).u16(0).u32(ifindex).u16(hatype).u8(pkttype).u8(0).raw(new Uint8Array(8)).done();
}

// ---- classic pcap ----

export interface HandRecord {
  seconds: number;
  fraction: number;
  data: Uint8Array;
  inclLen?: number;
  origLen?: number;
}

export function pcapFile(opts: {
  littleEndian: boolean;
  nanosecond?: boolean;
  snaplen?: number;
  linkType?: number;
  major?: number;
  records: HandRecord[];
}): Uint8Array {
  const b = new ByteBuilder(opts.littleEndian)
    .u32(opts.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4)
    .u16(opts.major ?? 2)
    .u16(4)
    .u32(0)
    .u32(0)
    .u32(opts.snaplen ?? 262144)
    .u32(opts.linkType ?? 253);
  for (const r of opts.records) {
    b.u32(r.seconds).u32(r.fraction).u32(r.inclLen ?? r.data.length).u32(r.origLen ?? r.data.length).raw(r.data);
  }
  return b.done();
}

// ---- pcapng ----

export type HandOption = [code: number, value: Uint8Array];

function options(b: ByteBuilder, opts: HandOption[], end = true): void {
  for (const [code, value] of opts) b.u16(code).u16(value.length).raw(value).align4();
  if (opts.length > 0 && end) b.u32(0);
}

/** A block: type, total length, body (padded), total length. */
export function block(littleEndian: boolean, type: number, body: Uint8Array): Uint8Array {
  const padded = new ByteBuilder(littleEndian).raw(body).align4().done();
  const total = 12 + padded.length;
  return new ByteBuilder(littleEndian).u32(type).u32(total).raw(padded).u32(total).done();
}

export function shb(littleEndian: boolean, opts: HandOption[] = [], major = 1): Uint8Array {
  const b = new ByteBuilder(littleEndian).u32(0x1a2b3c4d).u16(major).u16(0).i64(-1n);
  options(b, opts);
  return block(littleEndian, 0x0a0d0d0a, b.done());
}

export function idb(littleEndian: boolean, linkType: number, opts: HandOption[] = [], snaplen = 262144): Uint8Array {
  const b = new ByteBuilder(littleEndian).u16(linkType).u16(0).u32(snaplen);
  options(b, opts);
  return block(littleEndian, 1, b.done());
}

export function epb(
  littleEndian: boolean,
  iface: number,
  ticks: bigint,
  data: Uint8Array,
  opts: HandOption[] = [],
  origLen = data.length,
): Uint8Array {
  const b = new ByteBuilder(littleEndian)
    .u32(iface)
    .u32(Number(ticks >> 32n))
    .u32(Number(ticks & 0xffffffffn))
    .u32(data.length)
    .u32(origLen)
    .raw(data)
    .align4();
  options(b, opts);
  return block(littleEndian, 6, b.done());
}

export function spb(littleEndian: boolean, data: Uint8Array, origLen = data.length): Uint8Array {
  return block(littleEndian, 3, new ByteBuilder(littleEndian).u32(origLen).raw(data).align4().done());
}

/** The obsolete Packet Block (type 2): u16 interface id, u16 drops count. */
export function opb(littleEndian: boolean, iface: number, ticks: bigint, data: Uint8Array, opts: HandOption[] = []): Uint8Array {
  const b = new ByteBuilder(littleEndian)
    .u16(iface)
    .u16(0)
    .u32(Number(ticks >> 32n))
    .u32(Number(ticks & 0xffffffffn))
    .u32(data.length)
    .u32(data.length)
    .raw(data)
    .align4();
  options(b, opts);
  return block(littleEndian, 2, b.done());
}

/** A one-byte option value, such as `if_tsresol`. */
export function u8opt(v: number): Uint8Array {
  return Uint8Array.of(v);
}
/** An eight-byte option value, such as `if_tsoffset`. */
export function i64opt(littleEndian: boolean, v: bigint): Uint8Array {
  return new ByteBuilder(littleEndian).i64(v).done();
}
