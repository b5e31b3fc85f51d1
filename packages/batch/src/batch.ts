/**
 * `Batch`: requests compiled into one growing buffer, offline.
 */
import {
  HOST_LE, NLM_F, NlDecodeError, align4, describe, decodeMessageAt, frameLength, messageSize, viewOf, writeMessage,
  type AnyInput, type AnyMessage, type Family,
} from '@nlkit/core';
import { PcapWriter, inferDirection, parseCapture, type CaptureFormat, type Timestamp } from '@nlkit/pcap';
import { SpecError } from '@nlkit/rtnl';
import { describeRequest } from './describe.js';
import { routeFamily, type RouteMessages } from './family.js';
import {
  REQUEST_ACK, buildRequest,
  type BatchActionSpec, type BatchAddrSpec, type BatchChainSpec, type BatchClassSpec, type BatchFdbSpec, type BatchFilterSpec, type BatchLinkSpec,
  type BatchNeighSpec, type BatchObject, type BatchQdiscSpec, type BatchRouteSpec, type BatchRuleSpec, type BatchVlanSpec, type DeviceNames, type TcObject,
} from './specs.js';

/** `NETLINK_ROUTE`. */
const NETLINK_ROUTE = 0;
/** Offset of `nlmsg_flags` and `nlmsg_seq` in `struct nlmsghdr`. */
const FLAGS_AT = 6;
const SEQ_AT = 8;
const PID_AT = 12;

/** `IPRoute.tc`'s commands (pyroute2's): the object and the verb each stands for. */
const TC_COMMANDS = {
  add: ['qdisc', 'add'], change: ['qdisc', 'change'], replace: ['qdisc', 'replace'], del: ['qdisc', 'del'],
  'add-class': ['class', 'add'], 'change-class': ['class', 'change'], 'replace-class': ['class', 'replace'], 'del-class': ['class', 'del'],
  'add-filter': ['filter', 'add'], 'change-filter': ['filter', 'change'], 'replace-filter': ['filter', 'replace'], 'del-filter': ['filter', 'del'],
  'add-action': ['action', 'add'], 'change-action': ['action', 'change'], 'replace-action': ['action', 'replace'], 'del-action': ['action', 'del'],
} as const satisfies Record<string, readonly [TcObject, string]>;

/** The commands of {@link Batch.tc}, as `IPRoute.tc` takes them: `add` (a qdisc), `add-class`, `add-filter`, `add-action`, ... */
export type TcCommand = keyof typeof TC_COMMANDS;

/** Options of a {@link Batch}. */
export interface BatchOptions {
  /** Device names and indices, for specs that name devices (`oif: 'eth0'`). */
  names?: DeviceNames;
  /** `nlmsg_seq` of the first request; the others follow one by one (wrapping at 2^32). Default 1. */
  firstSeq?: number;
  /** Bytes to reserve up front; the buffer doubles when full. Default 4096. */
  capacity?: number;
}

/** One request of a batch, as {@link Batch.at} gives it. */
export interface BatchRequest {
  /** Its position in the batch, from 0. */
  readonly index: number;
  /** `nlmsg_seq`. */
  readonly seq: number;
  /** `nlmsg_type` (`RTM_NEWROUTE` = 24). */
  readonly type: number;
  /** Where it starts in {@link Batch.toBytes}. */
  readonly offset: number;
  /** `nlmsg_len`. */
  readonly length: number;
  /** Its bytes: a view into the batch's buffer, valid until the batch changes. */
  readonly bytes: Uint8Array;
}

/** Options of {@link Batch.from} and {@link Batch.fromCapture}. */
export interface LoadOptions {
  /**
   * What to do with queries (`RTM_GET*`, `NLM_F_DUMP`), which a batch does
   * not hold: `'error'` (the default) refuses the input, `'skip'` leaves them
   * out (as when loading a recorded client session, whose name lookups are
   * `RTM_GETLINK`s).
   */
  queries?: 'error' | 'skip';
  /** Device names for requests added later. */
  names?: DeviceNames;
}

/** Options of {@link Batch.toCapture}. */
export interface CaptureOptions {
  /** `'pcap'` (the default) or `'pcapng'`. */
  format?: CaptureFormat;
  /** The time stamped on every packet. Default: now. */
  timestamp?: Timestamp;
  /** Requests per packet: 1 (the default) writes each request as its own to-kernel datagram. */
  perPacket?: number;
}

/**
 * Thrown by {@link Batch.from} and {@link Batch.fromCapture} for input that is
 * not a batch: a corrupt message or capture, a reply where a request should
 * be, a query, another netlink protocol. `offset` is the byte offset of the
 * problem in the input.
 */
export class BatchFormatError extends Error {
  /** Always `"BatchFormatError"`. */
  override readonly name = 'BatchFormatError';
  /** Byte offset in the input where the problem is. */
  readonly offset: number;
  /** What is wrong, without the offset. */
  readonly reason: string;
  constructor(reason: string, offset: number, options?: { cause?: unknown }) {
    super(`${reason} (byte offset ${offset})`, options);
    this.reason = reason;
    this.offset = offset;
  }
}

/**
 * Netlink requests compiled offline into one buffer, as pyroute2's
 * `IPBatch` does: the same commands and specs as `IPRoute` of
 * `@nlkit/client` (`link`, `addr`, `route`, `rule`, `neigh`, `fdb`, `vlan`,
 * and `tc`), built by the same `@nlkit/rtnl` and `@nlkit/tc` request
 * builders, but appended to a buffer instead of sent — no socket, no root,
 * no kernel; it runs in browsers too.
 *
 * Each request gets `NLM_F_REQUEST | NLM_F_ACK` (so the kernel answers each
 * with an ACK or an error), consecutive sequence numbers from `firstSeq`,
 * and port id 0; messages are 4-byte aligned back to back, as a datagram
 * holds them. Devices are indices, or names looked up in `options.names`.
 *
 * ```ts
 * import { Batch, applyBatch } from '@nlkit/batch';
 *
 * const batch = new Batch({ names: { eth0: 2 } });
 * batch.link('set', { index: 'eth0', state: 'up' });
 * batch.addr('add', { index: 'eth0', address: '10.0.0.1/24' });
 * for (let i = 0; i < 1000; i++) batch.route('add', { dst: `10.${i >> 8}.${i & 255}.0/24`, gateway: '10.0.0.254' });
 * batch.tc('add', 'htb', { index: 'eth0', handle: '1:', default: 0x10 });
 * const bytes = batch.toBytes();       // or batch.toCapture() for Wireshark
 * const report = await applyBatch(Batch.from(bytes), openNetlink({ extAck: true }));
 * ```
 *
 * A spec the builder refuses throws its `SpecError` and adds nothing. Memory
 * is the buffer plus four bytes per request.
 */
export class Batch {
  /** The family requests are encoded and decoded with: rtnl and tc together. */
  static readonly family: Family<RouteMessages> = routeFamily;
  #buf: Uint8Array;
  #view: DataView;
  #end = 0;
  #starts: Uint32Array;
  #count = 0;
  #firstSeq: number;
  readonly #names: DeviceNames | undefined;

  constructor(options: BatchOptions = {}) {
    const capacity = Math.max(64, options.capacity ?? 4096);
    this.#buf = new Uint8Array(capacity);
    this.#view = viewOf(this.#buf);
    this.#starts = new Uint32Array(64);
    this.#firstSeq = (options.firstSeq ?? 1) >>> 0;
    this.#names = options.names;
  }

  /** How many requests it holds. */
  get length(): number {
    return this.#count;
  }

  /** Its size in bytes. */
  get byteLength(): number {
    return this.#end;
  }

  /** `nlmsg_seq` of the first request. */
  get firstSeq(): number {
    return this.#firstSeq;
  }

  // ---------------------------------------------------------------------------
  // The client's commands

  /** `ip link add|set|del` and `ip link property add|del`: `RTM_NEWLINK`/`RTM_DELLINK`/`RTM_NEWLINKPROP`/`RTM_DELLINKPROP` (see `linkRequest`). @returns the request's index. */
  link(command: 'add' | 'set' | 'del' | 'property_add' | 'property_del', spec: BatchLinkSpec): number {
    return this.#build('link', command, spec);
  }

  /** `ip address add|replace|del`: `RTM_NEWADDR`/`RTM_DELADDR` (see `addrRequest`). @returns the request's index. */
  addr(command: 'add' | 'replace' | 'del', spec: BatchAddrSpec): number {
    return this.#build('addr', command, spec);
  }

  /** `ip route add|replace|change|append|prepend|del`: `RTM_NEWROUTE`/`RTM_DELROUTE` (see `routeRequest`). @returns the request's index. */
  route(command: 'add' | 'replace' | 'change' | 'append' | 'prepend' | 'del', spec: BatchRouteSpec): number {
    return this.#build('route', command, spec);
  }

  /** `ip rule add|del`: `RTM_NEWRULE`/`RTM_DELRULE` (see `ruleRequest`). @returns the request's index. */
  rule(command: 'add' | 'del', spec: BatchRuleSpec): number {
    return this.#build('rule', command, spec);
  }

  /** `ip neigh add|replace|change|del`: `RTM_NEWNEIGH`/`RTM_DELNEIGH` (see `neighRequest`). @returns the request's index. */
  neigh(command: 'add' | 'replace' | 'change' | 'del', spec: BatchNeighSpec): number {
    return this.#build('neigh', command, spec);
  }

  /** `bridge fdb add|append|replace|del`: `RTM_NEWNEIGH`/`RTM_DELNEIGH` of `AF_BRIDGE` (see `fdbRequest`). @returns the request's index. */
  fdb(command: 'add' | 'append' | 'replace' | 'del', spec: BatchFdbSpec): number {
    return this.#build('fdb', command, spec);
  }

  /** `bridge vlan add|del`: `RTM_SETLINK`/`RTM_DELLINK` of `AF_BRIDGE` (see `vlanRequest`). @returns the request's index. */
  vlan(command: 'add' | 'del', spec: BatchVlanSpec): number {
    return this.#build('vlan', command, spec);
  }

  /**
   * Traffic control with `IPRoute.tc`'s commands (pyroute2's): `add`,
   * `change`, `replace`, `del` for qdiscs (`RTM_NEWQDISC`/`RTM_DELQDISC`),
   * `add-class`, ... for classes (`RTM_NEWTCLASS`), `add-filter`, ... for
   * filters (`RTM_NEWTFILTER`), `add-action`, ... for standalone actions
   * (`RTM_NEWACTION`); `kind` is the qdisc, class, classifier or action kind.
   * Built by `qdiscRequest`, `classRequest`, `filterRequest` and
   * `actionRequest` of `@nlkit/tc`, which compute what `tc` computes.
   *
   * ```ts
   * batch.tc('add', 'htb', { index: 'eth0', handle: '1:', default: 0x10 });
   * batch.tc('add-class', 'htb', { index: 'eth0', parent: '1:', classid: '1:10', rate: '10mbit' });
   * batch.tc('add-filter', 'u32', { index: 'eth0', parent: '1:', prio: 1, protocol: 'ip', match: ['ip dst 10.0.0.0/8'], classid: '1:10' });
   * ```
   * @returns the request's index.
   */
  tc(command: TcCommand, kind: string, spec: Record<string, unknown>): number {
    if (!Object.hasOwn(TC_COMMANDS, command)) {
      throw new SpecError(`unknown command ${describe(command)}; known: ${Object.keys(TC_COMMANDS).join(', ')}`, ['tc']);
    }
    if (typeof kind !== 'string') throw new SpecError(`expected a kind (a string), got ${describe(kind)}`, [`tc ${command}`]);
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new SpecError(`expected a spec object, got ${describe(spec)}`, [`tc ${command} ${kind}`]);
    const [object, verb] = TC_COMMANDS[command];
    return this.#build(object, verb, { ...spec, kind });
  }

  /**
   * Appends one request by object name, as a spec file lists them (`{ route:
   * 'add', dst: ... }` is `add('route', 'add', { dst: ... })`).
   * @returns the request's index.
   */
  add(object: BatchObject, command: string, spec: unknown): number {
    return this.#build(object, command, spec);
  }

  /**
   * Appends a message given as encode input (any `NETLINK_ROUTE` message of
   * {@link Batch.family}), for what the builders do not cover. Its flags get
   * `NLM_F_REQUEST | NLM_F_ACK`; `seq` and `pid` are the batch's.
   * @returns the request's index.
   */
  addMessage(message: AnyInput<Family<RouteMessages>>): number {
    // Encoded as given, then the header fields the batch owns written over it (no copy of the input).
    const size = messageSize(routeFamily, message);
    const at = this.#reserve(size);
    const view = this.#view;
    writeMessage(routeFamily, message, view, at, size);
    view.setUint16(at + 6, ((message as { flags?: number }).flags ?? 0) | REQUEST_ACK, HOST_LE);
    view.setUint32(at + 8, this.seqAt(this.#count), HOST_LE);
    view.setUint32(at + 12, 0, HOST_LE);
    return this.#commit(at, size);
  }

  #build(object: BatchObject, command: string, spec: unknown): number {
    const built = buildRequest(object, command, spec, this.#names);
    return this.addMessage(built.message);
  }

  // ---------------------------------------------------------------------------
  // Reading

  /** `nlmsg_seq` of request `index` in a batch compiled here: `firstSeq + index`, wrapping at 2^32. */
  seqAt(index: number): number {
    return (this.#firstSeq + index) >>> 0;
  }

  /** Request `index` (0 ≤ index < length). */
  at(index: number): BatchRequest {
    this.#check(index);
    const offset = this.#starts[index]!;
    const length = this.#view.getUint32(offset, HOST_LE);
    return {
      index,
      offset,
      length,
      type: this.#view.getUint16(offset + 4, HOST_LE),
      seq: this.#view.getUint32(offset + SEQ_AT, HOST_LE),
      bytes: this.#buf.subarray(offset, offset + length),
    };
  }

  /** Request `index`, decoded with {@link Batch.family}. */
  decode(index: number): AnyMessage<Family<RouteMessages>> {
    this.#check(index);
    return decodeMessageAt(routeFamily, this.#view, this.#starts[index]!);
  }

  /** A label for request `index`, as errors name it (`route add 10.0.0.0/24`); see `describeRequest`. */
  describe(index: number): string {
    try {
      return describeRequest(this.decode(index));
    } catch {
      return `request ${index}`;
    }
  }

  /** The requests, in order. */
  *[Symbol.iterator](): IterableIterator<BatchRequest> {
    for (let i = 0; i < this.#count; i++) yield this.at(i);
  }

  /** Where request `index` starts, and where the one after it does (or the end): what a sender slices. */
  span(index: number): {
    /** Byte offset of the request's `nlmsghdr` in the buffer. */
    start: number;
    /** Byte offset just past it: the next request's start, or the end. */
    end: number;
  } {
    this.#check(index);
    return { start: this.#starts[index]!, end: index + 1 < this.#count ? this.#starts[index + 1]! : this.#end };
  }

  /** The requests back to back, as one datagram would carry them (a copy). */
  toBytes(): Uint8Array {
    return this.#buf.slice(0, this.#end);
  }

  /** The bytes of requests `from` (inclusive) to `to` (exclusive): a view into the buffer, valid until the batch changes. */
  slice(from: number, to: number): Uint8Array {
    if (from >= to) return new Uint8Array(0);
    const { start } = this.span(from);
    const { end } = this.span(to - 1);
    return this.#buf.subarray(start, end);
  }

  /**
   * The batch as a capture in the nlmon format (`LINKTYPE_NETLINK`), each
   * request a to-kernel packet of `NETLINK_ROUTE`: what `tcpdump -i nlmon0`
   * would show if it were sent. Wireshark and tshark decode it;
   * {@link Batch.fromCapture} loads it back.
   */
  toCapture(options: CaptureOptions = {}): Uint8Array {
    const per = Math.max(1, Math.floor(options.perPacket ?? 1));
    const writer = new PcapWriter({ format: options.format ?? 'pcap' });
    const ts = options.timestamp;
    for (let i = 0; i < this.#count; i += per) {
      const data = this.slice(i, Math.min(this.#count, i + per));
      writer.add({ direction: 'to-kernel', protocol: NETLINK_ROUTE, data, ...(ts ? { timestamp: ts } : {}) });
    }
    return writer.toBytes();
  }

  /** Empties the batch (the buffer is kept for reuse); sequence numbers start again at `firstSeq`. */
  reset(): void {
    this.#end = 0;
    this.#count = 0;
  }

  // ---------------------------------------------------------------------------
  // Loading

  /**
   * A batch from bytes: a capture (pcap or pcapng, recognised by its magic;
   * see {@link fromCapture}) or netlink requests back to back, as
   * {@link toBytes} gives them. Sequence numbers are kept (`firstSeq` is the
   * first request's); a request without `NLM_F_ACK` gets it.
   *
   * @throws BatchFormatError for input that is not that (with its byte offset).
   */
  static from(bytes: Uint8Array, options: LoadOptions = {}): Batch {
    if (isCapture(bytes)) return Batch.fromCapture(bytes, options);
    const batch = new Batch({ capacity: bytes.length, ...(options.names ? { names: options.names } : {}) });
    batch.#load(bytes, 0, options);
    return batch;
  }

  /**
   * A batch from a capture: the `NETLINK_ROUTE` requests of its to-kernel
   * packets (direction from the packet type, or guessed from `NLM_F_REQUEST`
   * as for `tcpdump -i nlmon0` files), in order. Replies, events and other
   * protocols are left out, so a recorded session (`recordTransport`) loads
   * as the requests it made.
   *
   * @throws BatchFormatError for a corrupt capture or message.
   */
  static fromCapture(bytes: Uint8Array, options: LoadOptions = {}): Batch {
    let packets;
    try {
      packets = parseCapture(bytes, { nonNetlink: 'skip' }).packets;
    } catch (e) {
      const offset = (e as { offset?: number }).offset ?? 0;
      throw new BatchFormatError(`not a readable capture: ${(e as Error).message.replace(/ \(byte offset \d+\)$/, '')}`, offset, { cause: e });
    }
    const batch = new Batch(options.names ? { names: options.names } : {});
    for (const p of packets) {
      if (p.protocol !== NETLINK_ROUTE) continue;
      const direction = p.direction === 'unknown' ? inferDirection(p.data) : p.direction;
      if (direction !== 'to-kernel' || p.data.length === 0) continue;
      if (p.originalLength > p.data.length) throw new BatchFormatError(`packet cut by the capture's snapshot length (${p.data.length} of ${p.originalLength} bytes)`, p.data.byteOffset - bytes.byteOffset);
      batch.#load(p.data, p.data.byteOffset - bytes.byteOffset, options);
    }
    return batch;
  }

  /** Appends the requests of `bytes` (their offsets in the input start at `base`). */
  #load(bytes: Uint8Array, base: number, options: LoadOptions): void {
    const view = viewOf(bytes);
    for (let pos = 0; pos < bytes.length; ) {
      let len: number;
      try {
        len = frameLength(view, pos, bytes.length);
      } catch (e) {
        if (e instanceof NlDecodeError) throw new BatchFormatError(e.reason, base + e.offset, { cause: e });
        throw e;
      }
      const type = view.getUint16(pos + 4, HOST_LE);
      const flags = view.getUint16(pos + FLAGS_AT, HOST_LE);
      const entry = routeFamily.byType(type);
      const what = entry?.name ?? `message type ${type}`;
      const next = pos + Math.min(align4(len), bytes.length - pos);
      if (!(flags & NLM_F.REQUEST) || type < 16) {
        throw new BatchFormatError(`${what} is not a request (no NLM_F_REQUEST): a batch holds requests only`, base + pos);
      }
      const query = (flags & NLM_F.DUMP) === NLM_F.DUMP || entry?.name.startsWith('RTM_GET') === true;
      if (query) {
        if (options.queries === 'skip') {
          pos = next;
          continue;
        }
        throw new BatchFormatError(`${what} is a query; a batch holds requests the kernel acknowledges (load with queries: 'skip' to leave queries out)`, base + pos);
      }
      const at = this.#reserve(len);
      this.#buf.set(bytes.subarray(pos, pos + len), at);
      this.#view.setUint16(at + FLAGS_AT, flags | NLM_F.ACK, HOST_LE);
      this.#view.setUint32(at + PID_AT, 0, HOST_LE);
      if (this.#count === 0) this.#firstSeq = view.getUint32(pos + SEQ_AT, HOST_LE);
      this.#commit(at, len);
      pos = next;
    }
  }

  // ---------------------------------------------------------------------------

  /** Room for a message of `size` bytes at the end; returns where it goes. */
  #reserve(size: number): number {
    const need = this.#end + align4(size);
    if (need > this.#buf.length) {
      let cap = this.#buf.length * 2;
      while (cap < need) cap *= 2;
      const grown = new Uint8Array(cap);
      grown.set(this.#buf.subarray(0, this.#end));
      this.#buf = grown;
      this.#view = viewOf(grown);
    }
    return this.#end;
  }

  /** Records the message written at `at`, pads it to 4 bytes, and returns its index. */
  #commit(at: number, size: number): number {
    const padded = align4(size);
    this.#buf.fill(0, at + size, at + padded);
    if (this.#count === this.#starts.length) {
      const grown = new Uint32Array(this.#starts.length * 2);
      grown.set(this.#starts);
      this.#starts = grown;
    }
    this.#starts[this.#count] = at;
    this.#end = at + padded;
    return this.#count++;
  }

  #check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.#count) throw new RangeError(`no request ${index} in a batch of ${this.#count}`);
  }
}

/** True when `bytes` start with a pcap or pcapng magic. */
export function isCapture(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const m = viewOf(bytes).getUint32(0, true);
  return m === 0x0a0d0d0a || m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1;
}
