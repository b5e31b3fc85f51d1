import { HOST_LE, align4, copyBytes, viewOf } from './bytes.js';
import { attrs, type AttrValues } from './attrs.js';
import { NlDecodeError, type ExtAck } from './errors.js';
import { binary, cstring, u16, u32 } from './scalars.js';
import { struct } from './struct.js';

/** `sizeof(struct nlmsghdr)`. */
export const NLMSG_HDRLEN = 16;

/** Control message types (`NLMSG_*` in `<linux/netlink.h>`). Family types start at `NLMSG_MIN_TYPE` (16). */
export const NLMSG = {
  NOOP: 1,
  ERROR: 2,
  DONE: 3,
  OVERRUN: 4,
  MIN_TYPE: 0x10,
} as const;

/** `nlmsg_flags` bits (`NLM_F_*` in `<linux/netlink.h>`). Several share values; which applies depends on the request. */
export const NLM_F = {
  REQUEST: 0x01,
  MULTI: 0x02,
  ACK: 0x04,
  ECHO: 0x08,
  /** The dump was inconsistent: the objects changed while it ran. */
  DUMP_INTR: 0x10,
  DUMP_FILTERED: 0x20,
  // Modifiers to GET requests
  ROOT: 0x100,
  MATCH: 0x200,
  ATOMIC: 0x400,
  DUMP: 0x300,
  // Modifiers to NEW requests
  REPLACE: 0x100,
  EXCL: 0x200,
  CREATE: 0x400,
  APPEND: 0x800,
  // Modifiers to DELETE requests
  NONREC: 0x100,
  BULK: 0x200,
  // Flags for ACK messages
  CAPPED: 0x100,
  ACK_TLVS: 0x200,
} as const;

/** `struct nlmsghdr`. */
export interface NlMsgHeader {
  /** `nlmsg_len`: length of the message including this header. */
  len: number;
  /** `nlmsg_type`. */
  type: number;
  /** `nlmsg_flags`. */
  flags: number;
  /** `nlmsg_seq`. */
  seq: number;
  /** `nlmsg_pid`: the sender's port id (0 from the kernel). */
  pid: number;
}

/** Reads the `nlmsghdr` at `offset` (no bounds checks beyond DataView's own). */
export function readHeader(view: DataView, offset: number): NlMsgHeader {
  return {
    len: view.getUint32(offset, HOST_LE),
    type: view.getUint16(offset + 4, HOST_LE),
    flags: view.getUint16(offset + 6, HOST_LE),
    seq: view.getUint32(offset + 8, HOST_LE),
    pid: view.getUint32(offset + 12, HOST_LE),
  };
}

/** Writes an `nlmsghdr` at `offset`. */
export function writeHeader(view: DataView, offset: number, h: NlMsgHeader): void {
  view.setUint32(offset, h.len, HOST_LE);
  view.setUint16(offset + 4, h.type, HOST_LE);
  view.setUint16(offset + 6, h.flags, HOST_LE);
  view.setUint32(offset + 8, h.seq, HOST_LE);
  view.setUint32(offset + 12, h.pid, HOST_LE);
}

/** Where one message sits in a datagram. */
export interface Frame {
  /** The message's `struct nlmsghdr`. */
  readonly header: NlMsgHeader;
  /** Offset of the `nlmsghdr` in the view. */
  readonly offset: number;
}

/**
 * The messages of a datagram, in order, honouring `NLMSG_ALIGN`. Throws
 * {@link NlDecodeError} for a length shorter than the header or longer than
 * what remains, and for stray bytes that cannot hold a header.
 */
export function* frames(bytes: Uint8Array | DataView): Generator<Frame> {
  const view = bytes instanceof DataView ? bytes : viewOf(bytes);
  const end = view.byteLength;
  let pos = 0;
  while (pos < end) {
    const len = frameLength(view, pos, end);
    yield { header: readHeader(view, pos), offset: pos };
    pos += Math.min(align4(len), end - pos);
  }
}

/**
 * The `nlmsg_len` of the message at `pos`, checked as {@link frames} checks
 * it (a header fits, the length covers the header and stays within `end`);
 * throws {@link NlDecodeError} otherwise. The next message starts at
 * `pos + min(align4(len), end - pos)`.
 */
export function frameLength(view: DataView, pos: number, end: number): number {
  if (end - pos < NLMSG_HDRLEN) throw new NlDecodeError(`${end - pos} bytes left, too few for a netlink message header`, pos);
  const len = view.getUint32(pos, HOST_LE);
  if (len < NLMSG_HDRLEN) throw new NlDecodeError(`message length ${len} is shorter than the 16-byte header`, pos);
  if (len > end - pos) throw new NlDecodeError(`message length ${len} runs past the end of the datagram (${end - pos} bytes left)`, pos);
  return len;
}

// ---------------------------------------------------------------------------
// NLMSG_ERROR and NLMSG_DONE

/** `NLMSGERR_ATTR_*`: the extended-ack TLVs after an error or done message. */
export const extackAttrs = attrs('NLMSGERR_ATTR_', {
  msg: { nla: 1, codec: cstring() },
  offs: { nla: 2, codec: u32 },
  cookie: { nla: 3, codec: binary() },
  policy: { nla: 4, codec: binary() },
  missType: { nla: 5, codec: u32 },
  missNest: { nla: 6, codec: u32 },
}, { name: 'nlmsgerr-attrs' });

/** The decoded extended-ack attributes. */
export type ExtAckAttrs = AttrValues<typeof extackAttrs.defs>;

/** `struct nlmsghdr` as a struct codec (the request header echoed in `NLMSG_ERROR`). */
export const nlmsghdr = struct('nlmsghdr', 'nlmsg_', { len: u32, type: u16, flags: u16, seq: u32, pid: u32 });

/** Turns decoded `NLMSGERR_ATTR_*` into an {@link ExtAck}. */
export function toExtAck(a: ExtAckAttrs | undefined): ExtAck {
  const out: ExtAck = {};
  if (!a) return out;
  if (a.msg !== undefined) out.message = a.msg;
  if (a.offs !== undefined) out.offset = a.offs;
  if (a.cookie !== undefined) out.cookie = a.cookie;
  if (a.policy !== undefined) out.policy = a.policy;
  if (a.missType !== undefined) out.missingType = a.missType;
  if (a.missNest !== undefined) out.missingNest = a.missNest;
  return out;
}

/** Fixed part of a decoded `NLMSG_ERROR` (`struct nlmsgerr`). */
export interface ErrorHeader {
  /** `error`: 0 for an ACK, else a negative errno. */
  error: number;
  /** `msg`: the header of the request it answers. */
  msg: NlMsgHeader;
  /** The request's payload, echoed unless `NLM_F_CAPPED`. */
  payload?: Uint8Array;
}

/** Reads the payload of an `NLMSG_ERROR` at `offset` (after the nlmsghdr). */
export function readErrorPayload(view: DataView, offset: number, length: number, flags: number): {
  /** The `struct nlmsgerr` part, with the echoed request payload if any. */
  header: ErrorHeader;
  /** The extended-ACK attributes (`NLMSGERR_ATTR_*`) that follow it, when `NLM_F_ACK_TLVS`. */
  attrs: ExtAckAttrs;
} {
  if (length < 4) throw new NlDecodeError(`NLMSG_ERROR payload of ${length} bytes is shorter than its 4-byte error code`, offset);
  const error = view.getInt32(offset, HOST_LE);
  if (length < 4 + NLMSG_HDRLEN) throw new NlDecodeError(`NLMSG_ERROR payload of ${length} bytes lacks the echoed request header`, offset + 4);
  const msg = readHeader(view, offset + 4);
  const header: ErrorHeader = { error, msg };
  let pos = offset + 4 + NLMSG_HDRLEN;
  const end = offset + length;
  if (!(flags & NLM_F.CAPPED)) {
    const echoed = Math.max(0, Math.min(msg.len, end - (offset + 4)) - NLMSG_HDRLEN);
    if (msg.len > NLMSG_HDRLEN) {
      if (msg.len - NLMSG_HDRLEN > end - pos) throw new NlDecodeError(`echoed request of ${msg.len} bytes runs past the error message`, pos);
      header.payload = copyBytes(view, pos, echoed);
      pos += align4(echoed);
    }
  }
  let a: ExtAckAttrs = {};
  if (flags & NLM_F.ACK_TLVS && pos < end) {
    try {
      a = extackAttrs.decode(view, pos, end - pos);
    } catch (e) {
      throw e instanceof NlDecodeError ? e.within('NLMSGERR_ATTR') : e;
    }
  } else if (pos < end) {
    // Stray bytes with no ACK_TLVS flag: kept as the echoed payload's tail so nothing is lost.
    header.payload = concat(header.payload, copyBytes(view, pos, end - pos));
  }
  return { header, attrs: a };
}

function concat(a: Uint8Array | undefined, b: Uint8Array): Uint8Array {
  if (!a) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Size of an `NLMSG_ERROR` payload. */
export function errorPayloadSize(header: ErrorHeader, a: ExtAckAttrs | undefined, flags: number): number {
  let n = 4 + NLMSG_HDRLEN;
  if (!(flags & NLM_F.CAPPED) && header.payload) n += align4(header.payload.length);
  if (flags & NLM_F.ACK_TLVS && a) n += extackAttrs.size(a);
  return n;
}

/** Writes an `NLMSG_ERROR` payload; returns bytes written. */
export function writeErrorPayload(view: DataView, offset: number, header: ErrorHeader, a: ExtAckAttrs | undefined, flags: number): number {
  view.setInt32(offset, header.error, HOST_LE);
  writeHeader(view, offset + 4, header.msg);
  let pos = offset + 4 + NLMSG_HDRLEN;
  if (!(flags & NLM_F.CAPPED) && header.payload) {
    new Uint8Array(view.buffer, view.byteOffset + pos, header.payload.length).set(header.payload);
    for (let i = header.payload.length; i < align4(header.payload.length); i++) view.setUint8(pos + i, 0);
    pos += align4(header.payload.length);
  }
  if (flags & NLM_F.ACK_TLVS && a) pos += extackAttrs.write(a, view, pos);
  return pos - offset;
}
