import { ERRNO_NAMES } from './errno-table.js';

/** The name of a Linux errno number (`17` → `"EEXIST"`); `"E<n>"` when unknown. */
export function errnoName(errno: number): string {
  const n = Math.abs(errno);
  return ERRNO_NAMES[n]?.[0] ?? `E${n}`;
}

/** The C library's description of an errno number (`17` → `"File exists"`). */
export function errnoDescription(errno: number): string {
  const n = Math.abs(errno);
  return ERRNO_NAMES[n]?.[1] ?? `Unknown error ${n}`;
}

/** The errno number of a name (`"EEXIST"` → `17`), or undefined. */
export function errnoNumber(name: string): number | undefined {
  for (const k in ERRNO_NAMES) if (ERRNO_NAMES[k]![0] === name) return Number(k);
  return undefined;
}

/**
 * Raised for every malformed input to a decoder, and nothing else escapes decode.
 *
 * `offset` is the byte offset into the buffer given to the decoder where the
 * problem was found; `path` names where in the message it happened, from the
 * message type down to the attribute (`["RTM_NEWLINK", "IFLA_LINKINFO", "IFLA_INFO_DATA"]`).
 */
export class NlDecodeError extends Error {
  /** Always `"NlDecodeError"`. */
  override readonly name = 'NlDecodeError';
  /** Byte offset, in the buffer given to the decoder, where the problem was found. */
  readonly offset: number;
  /** Where in the message: message type, then attribute names, outermost first. */
  readonly path: string[];
  /** What went wrong, without the path and offset. */
  readonly reason: string;

  constructor(reason: string, offset: number, path: string[] = []) {
    super(reason);
    this.reason = reason;
    this.offset = offset;
    this.path = path;
    this.message = this.format();
  }

  /** Adds an outer path element; used while the error travels up nested decoders. */
  within(segment: string): this {
    this.path.unshift(segment);
    this.message = this.format();
    return this;
  }

  private format(): string {
    const where = this.path.length ? ` at ${this.path.join(' > ')}` : '';
    return `${this.reason}${where} (byte offset ${this.offset})`;
  }
}

/**
 * Raised when a value handed to an encoder does not fit its schema: an unknown
 * key, a value out of range, a string too long, a wrong type. `path` names the
 * offending field (`["RTM_NEWLINK", "IFLA_IFNAME"]`). Nothing is written when it is raised.
 */
export class NlEncodeError extends Error {
  /** Always `"NlEncodeError"`. */
  override readonly name = 'NlEncodeError';
  /** The offending field: message type, then attribute or field names, outermost first. */
  readonly path: string[];
  /** What went wrong, without the path. */
  readonly reason: string;

  constructor(reason: string, path: string[] = []) {
    super(reason);
    this.reason = reason;
    this.path = path;
    this.message = this.format();
  }

  /** Adds an outer path element; used while the error travels up nested encoders. */
  within(segment: string): this {
    this.path.unshift(segment);
    this.message = this.format();
    return this;
  }

  private format(): string {
    return this.path.length ? `${this.reason} at ${this.path.join(' > ')}` : this.reason;
  }
}

/** What the kernel's extended ACK said (`NLMSGERR_ATTR_*` in `<linux/netlink.h>`). */
export interface ExtAck {
  /** `NLMSGERR_ATTR_MSG`: the human-readable message. */
  message?: string;
  /** `NLMSGERR_ATTR_OFFS`: byte offset of the offending attribute in the request. */
  offset?: number;
  /** `NLMSGERR_ATTR_COOKIE`: opaque bytes. */
  cookie?: Uint8Array;
  /** `NLMSGERR_ATTR_POLICY`: the policy of the offending attribute, undecoded. */
  policy?: Uint8Array;
  /** `NLMSGERR_ATTR_MISS_TYPE`: the type of a missing required attribute. */
  missingType?: number;
  /** `NLMSGERR_ATTR_MISS_NEST`: byte offset of the nest that lacks it. */
  missingNest?: number;
}

/** Fields of a {@link NetlinkError}. */
export interface NetlinkErrorInit {
  /** The errno, as the kernel sent it (negative) or positive; its absolute value is used. */
  errno: number;
  /** The extended ACK, when the kernel sent one. */
  extack?: ExtAck;
  /** The `nlmsg_seq` of the failed request. */
  seq?: number;
  /** The `nlmsg_type` of the failed request. */
  requestType?: number;
  /** Its name (`"RTM_NEWLINK"`) when the family knows it. */
  requestName?: string;
  /** The operation, for the message (`"link add"`). */
  operation?: string;
}

/**
 * The kernel refused a request: an `NLMSG_ERROR` with a negative error code,
 * or an `NLMSG_DONE` that carries one. Modelled on Go's `OpError`: the errno,
 * the kernel's extended-ack message and offset, and which request failed.
 */
export class NetlinkError extends Error {
  /** Always `"NetlinkError"`. */
  override readonly name = 'NetlinkError';
  /** The positive errno number (`17`). */
  readonly errno: number;
  /** Its name (`"EEXIST"`). */
  readonly code: string;
  /** The extended ACK, when the kernel sent one. */
  readonly extack: ExtAck;
  /** The `nlmsg_seq` of the failed request, when known. */
  readonly seq: number | undefined;
  /** The `nlmsg_type` of the failed request, when known. */
  readonly requestType: number | undefined;
  /** Its name (`"RTM_NEWLINK"`) when the family knows it. */
  readonly requestName: string | undefined;
  /** The operation (`"link add"`), when the caller gave one. */
  readonly operation: string | undefined;

  constructor(init: NetlinkErrorInit) {
    const errno = Math.abs(init.errno);
    const code = errnoName(errno);
    const ext = init.extack ?? {};
    const op = init.operation ?? init.requestName ?? (init.requestType !== undefined ? `type ${init.requestType}` : 'request');
    let text = `${op}: ${code} (${errnoDescription(errno)})`;
    if (ext.message) text += `: ${ext.message}`;
    if (ext.offset !== undefined) text += ` [attribute at byte ${ext.offset}]`;
    if (ext.missingType !== undefined) text += ` [missing attribute type ${ext.missingType}]`;
    if (init.seq !== undefined) text += ` (seq ${init.seq})`;
    super(text);
    this.errno = errno;
    this.code = code;
    this.extack = ext;
    this.seq = init.seq;
    this.requestType = init.requestType;
    this.requestName = init.requestName;
    this.operation = init.operation;
  }
}
