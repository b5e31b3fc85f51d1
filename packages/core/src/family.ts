import { HOST_LE, align4, copyBytes, toHex, viewOf } from './bytes.js';
import { ATTR_ORDER, NLA_F_NET_BYTEORDER, NLA_HDRLEN, NLA_TYPE_MASK, type AttrInput, type AttrSet, type AttrValues } from './attrs.js';
import type { Json, Scope } from './codec.js';
import { NetlinkError, NlDecodeError, NlEncodeError } from './errors.js';
import {
  NLMSG,
  NLMSG_HDRLEN,
  NLM_F,
  errorPayloadSize,
  extackAttrs,
  frames,
  nlmsghdr,
  readErrorPayload,
  toExtAck,
  writeErrorPayload,
  writeHeader,
  type ErrorHeader,
  type ExtAckAttrs,
} from './nlmsg.js';
import type { StructCodec, StructInput, StructValue } from './struct.js';

/** One message type of a family: its number, fixed header and attributes. */
export interface MessageDef {
  /** `nlmsg_type` (`RTM_NEWLINK` = 16). */
  readonly type: number;
  /** The fixed header after `nlmsghdr` (`struct ifinfomsg`). */
  readonly header?: StructCodec<any>;
  /** The attributes after the fixed header. */
  readonly attrs?: AttrSet<any>;
  readonly doc?: string;
}

/**
 * A message family declared once, as data: a netlink protocol and its message
 * types. Families are values passed to decoders; nothing is registered globally.
 */
export interface Family<M extends Record<string, MessageDef> = Record<string, MessageDef>> {
  /** `rtnl`, `tc`, … */
  readonly name: string;
  /** The netlink protocol number (`NETLINK_ROUTE` = 0). */
  readonly protocol: number;
  readonly messages: M;
  /** The name and declaration of a message type number. */
  byType(type: number): { readonly name: keyof M & string; readonly def: MessageDef } | undefined;
}

/** Declares a message family. Message names are the kernel's (`RTM_NEWLINK`). */
export function family<const M extends Record<string, MessageDef>>(name: string, protocol: number, messages: M): Family<M> {
  const table = new Map<number, { name: keyof M & string; def: MessageDef }>();
  for (const [n, def] of Object.entries(messages)) {
    if (def.type < NLMSG.MIN_TYPE) throw new TypeError(`${name}: ${n} has reserved type ${def.type}`);
    if (table.has(def.type)) throw new TypeError(`${name}: ${n} and ${table.get(def.type)!.name} share type ${def.type}`);
    table.set(def.type, { name: n as keyof M & string, def });
  }
  return { name, protocol, messages, byType: (t) => table.get(t) };
}

/** Merges families of one protocol (rtnl and tc are both `NETLINK_ROUTE`) into one decoding table. */
export function combine<const F extends readonly Family<any>[]>(name: string, ...parts: F): Family<UnionMessages<F>> {
  const protocol = parts[0]?.protocol ?? 0;
  const messages: Record<string, MessageDef> = {};
  for (const p of parts) {
    if (p.protocol !== protocol) throw new TypeError(`cannot combine ${p.name} (protocol ${p.protocol}) with protocol ${protocol}`);
    Object.assign(messages, p.messages);
  }
  return family(name, protocol, messages) as unknown as Family<UnionMessages<F>>;
}
type UnionMessages<F extends readonly Family<any>[]> = F[number] extends Family<infer M> ? M : never;

// ---------------------------------------------------------------------------
// Decoded messages

/** Fields every decoded message has: the `nlmsghdr`. */
export interface MessageBase<N extends string = string> {
  /** The kernel's name of the message type (`RTM_NEWLINK`, `NLMSG_ERROR`), or `UNKNOWN` for a type the family does not declare. */
  readonly name: N;
  /** `nlmsg_type`. */
  type: number;
  /** `nlmsg_flags`. */
  flags: number;
  /** `nlmsg_seq`. */
  seq: number;
  /** `nlmsg_pid`. */
  pid: number;
}

/** A decoded family message: its fixed header fields and attributes by friendly name. */
export interface Message<N extends string = string, H = Record<string, unknown>, A = Record<string, unknown>> extends MessageBase<N> {
  header: H;
  attrs: A;
}

/** `NLMSG_ERROR`: an error (negative `header.error`) or an ACK (0), with the extended ACK in `attrs`. */
export interface ErrorMessage extends Message<'NLMSG_ERROR', ErrorHeader, ExtAckAttrs> {}
/** `NLMSG_DONE`: the end of a dump; `header.error` is the dump's result when the kernel sent one. */
export interface DoneMessage extends Message<'NLMSG_DONE', { error?: number }, ExtAckAttrs> {}
/** A message the family does not declare (or `NLMSG_NOOP`/`NLMSG_OVERRUN`): kept as bytes. */
export interface OpaqueMessage extends Message<'UNKNOWN' | 'NLMSG_NOOP' | 'NLMSG_OVERRUN', Record<string, never>, Record<string, never>> {
  /** The payload after `nlmsghdr`. */
  payload: Uint8Array;
}
/** A control message (`NLMSG_*` < 16) or an undeclared type. */
export type ControlMessage = ErrorMessage | DoneMessage | OpaqueMessage;

type HeaderOf<D> = D extends { header: StructCodec<infer F> } ? StructValue<F> : Record<string, never>;
type AttrsOf<D> = D extends { attrs: AttrSet<infer S> } ? AttrValues<S> : Record<string, never>;
type HeaderInputOf<D> = D extends { header: StructCodec<infer F> } ? StructInput<F> : Record<string, never>;
type AttrInputOf<D> = D extends { attrs: AttrSet<infer S> } ? AttrInput<S> : Record<string, never>;

/** The decoded type of message `N` of family `F`. */
export type MessageOf<F extends Family<any>, N extends keyof F['messages'] & string> = Message<N, HeaderOf<F['messages'][N]>, AttrsOf<F['messages'][N]>>;
/** Any message a datagram of family `F` may hold. */
export type AnyMessage<F extends Family<any>> = { [N in keyof F['messages'] & string]: MessageOf<F, N> }[keyof F['messages'] & string] | ControlMessage;

/** What encode accepts for message `N` of family `F`. */
export interface MessageInput<N extends string = string, H = Record<string, unknown>, A = Record<string, unknown>> {
  name: N;
  /** Defaults to 0. */
  flags?: number;
  /** Defaults to 0. */
  seq?: number;
  /** Defaults to 0. */
  pid?: number;
  header?: H;
  attrs?: A;
}
/** Encode input for message `N` of family `F`. */
export type InputOf<F extends Family<any>, N extends keyof F['messages'] & string> = MessageInput<N, HeaderInputOf<F['messages'][N]>, AttrInputOf<F['messages'][N]>>;
/** Encode input for any message of family `F`, or a control message. */
export type AnyInput<F extends Family<any>> =
  | { [N in keyof F['messages'] & string]: InputOf<F, N> }[keyof F['messages'] & string]
  | (MessageInput<'NLMSG_ERROR', ErrorHeader, ExtAckAttrs>)
  | (MessageInput<'NLMSG_DONE', { error?: number }, ExtAckAttrs>)
  | (MessageInput<'UNKNOWN' | 'NLMSG_NOOP' | 'NLMSG_OVERRUN'> & { type: number; payload: Uint8Array });

const rootScope = (header: unknown): Scope | undefined => (header && typeof header === 'object' ? { values: header as Record<string, unknown>, parent: undefined } : undefined);

function decodeBody(fam: Family<any>, view: DataView, offset: number, type: number, flags: number, len: number): { name: string; header: any; attrs: any; payload?: Uint8Array } {
  const body = offset + NLMSG_HDRLEN;
  const blen = len - NLMSG_HDRLEN;
  if (type === NLMSG.ERROR) {
    const r = readErrorPayload(view, body, blen, flags);
    return { name: 'NLMSG_ERROR', header: r.header, attrs: r.attrs };
  }
  if (type === NLMSG.DONE) {
    if (blen === 0) return { name: 'NLMSG_DONE', header: {}, attrs: {} };
    if (blen < 4) throw new NlDecodeError(`NLMSG_DONE payload of ${blen} bytes is not an error code`, body);
    const attrs = flags & NLM_F.ACK_TLVS && blen > 4 ? extackAttrs.decode(view, body + 4, blen - 4) : {};
    const done = { name: 'NLMSG_DONE', header: { error: view.getInt32(body, HOST_LE) }, attrs };
    if (!(flags & NLM_F.ACK_TLVS) && blen > 4) return { ...done, payload: copyBytes(view, body + 4, blen - 4) };
    return done;
  }
  const entry = fam.byType(type);
  if (!entry) {
    const name = type === NLMSG.NOOP ? 'NLMSG_NOOP' : type === NLMSG.OVERRUN ? 'NLMSG_OVERRUN' : 'UNKNOWN';
    return { name, header: {}, attrs: {}, payload: copyBytes(view, body, blen) };
  }
  const { def } = entry;
  let header: any = {};
  let attrStart = body;
  if (def.header) {
    const hlen = Math.min(def.header.fixed, blen);
    header = def.header.read(view, body, hlen, undefined);
    attrStart = body + Math.min(align4(def.header.fixed), blen);
  }
  const attrs = def.attrs ? def.attrs.decode(view, attrStart, body + blen - attrStart, rootScope(header)) : {};
  return { name: entry.name, header, attrs };
}

/**
 * Decodes the message whose `nlmsghdr` is at `offset` into plain objects.
 * Throws {@link NlDecodeError} (only) on malformed input.
 */
export function decodeMessageAt<F extends Family<any>>(fam: F, view: DataView, offset: number): AnyMessage<F> {
  return guard(() => {
    const len = view.getUint32(offset, HOST_LE);
    const type = view.getUint16(offset + 4, HOST_LE);
    const flags = view.getUint16(offset + 6, HOST_LE);
    try {
      const b = decodeBody(fam, view, offset, type, flags, len);
      const m: any = { name: b.name, type, flags, seq: view.getUint32(offset + 8, HOST_LE), pid: view.getUint32(offset + 12, HOST_LE), header: b.header, attrs: b.attrs };
      if (b.payload) m.payload = b.payload;
      return m;
    } catch (e) {
      if (e instanceof NlDecodeError) throw e.within(messageName(fam, type));
      throw e;
    }
  }, offset);
}

function controlName(type: number): string {
  return type === NLMSG.ERROR ? 'NLMSG_ERROR' : type === NLMSG.DONE ? 'NLMSG_DONE' : type === NLMSG.NOOP ? 'NLMSG_NOOP' : type === NLMSG.OVERRUN ? 'NLMSG_OVERRUN' : 'UNKNOWN';
}

/**
 * The name decode gives a message type: the family's name (`RTM_NEWLINK`),
 * a control name (`NLMSG_ERROR`, `NLMSG_DONE`, `NLMSG_NOOP`, `NLMSG_OVERRUN`),
 * or `UNKNOWN`.
 */
export function messageName(fam: Family<any>, type: number): string {
  return fam.byType(type)?.name ?? controlName(type);
}

/** Any family; use as a generic constraint (`F extends AnyFamily`). */
export type AnyFamily = Family<any>;

/** Wraps any stray exception from a decoder as {@link NlDecodeError}: nothing else escapes decode. */
function guard<T>(fn: () => T, offset: number): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof NlDecodeError) throw e;
    throw new NlDecodeError(`malformed input: ${e instanceof Error ? e.message : String(e)}`, offset);
  }
}

/** Decodes every message of a datagram (or of a concatenation of datagrams) eagerly. */
export function decodeMessages<F extends Family<any>>(fam: F, bytes: Uint8Array): AnyMessage<F>[] {
  const view = viewOf(bytes);
  const out: AnyMessage<F>[] = [];
  for (const f of guardIter(() => frames(view))) out.push(decodeMessageAt(fam, view, f.offset));
  return out;
}

function* guardIter<T>(mk: () => Iterable<T>): Generator<T> {
  try {
    yield* mk();
  } catch (e) {
    if (e instanceof NlDecodeError) throw e;
    throw new NlDecodeError(`malformed input: ${e instanceof Error ? e.message : String(e)}`, 0);
  }
}

// ---------------------------------------------------------------------------
// Lazy views

/**
 * A message held as a view over the received bytes. The `nlmsghdr` fields
 * are read from the bytes on access; the fixed header and attributes are
 * decoded on first access and cached; {@link MessageView.get} decodes one
 * attribute without decoding the rest. A dump of a million routes becomes a
 * million small views, not a million object trees.
 */
export class MessageView<F extends Family<any> = Family<any>> {
  readonly family: F;
  readonly view: DataView;
  /** Offset of the `nlmsghdr` in `view`. */
  readonly offset: number;
  #decoded: AnyMessage<F> | undefined;

  constructor(fam: F, view: DataView, offset: number) {
    this.family = fam;
    this.view = view;
    this.offset = offset;
  }

  get len(): number {
    return this.view.getUint32(this.offset, HOST_LE);
  }
  get type(): number {
    return this.view.getUint16(this.offset + 4, HOST_LE);
  }
  get flags(): number {
    return this.view.getUint16(this.offset + 6, HOST_LE);
  }
  get seq(): number {
    return this.view.getUint32(this.offset + 8, HOST_LE);
  }
  get pid(): number {
    return this.view.getUint32(this.offset + 12, HOST_LE);
  }
  get name(): string {
    return messageName(this.family, this.type);
  }
  /** The message's bytes (a view, not a copy). */
  get bytes(): Uint8Array {
    return new Uint8Array(this.view.buffer, this.view.byteOffset + this.offset, this.len);
  }
  /** The whole message, decoded once and cached. */
  decode(): AnyMessage<F> {
    return (this.#decoded ??= decodeMessageAt(this.family, this.view, this.offset));
  }
  get header(): AnyMessage<F>['header'] {
    return (this.decode() as Message).header as AnyMessage<F>['header'];
  }
  get attrs(): AnyMessage<F>['attrs'] {
    return (this.decode() as Message).attrs as AnyMessage<F>['attrs'];
  }

  /**
   * One attribute by friendly name, decoded from the bytes without decoding
   * the others (a repeated attribute gives an array). Undefined when absent.
   */
  get(key: string): unknown {
    if (this.#decoded) return (this.#decoded.attrs as Record<string, unknown>)[key];
    const entry = this.family.byType(this.type);
    if (!entry) return (this.decode().attrs as Record<string, unknown>)[key]; // control messages
    const set = entry.def.attrs;
    const info = set?.byKey(key);
    if (!set || !info) return undefined;
    const codec = info.codec;
    if (codec.needsScope) return (this.decode().attrs as Record<string, unknown>)[key];
    return guard(() => {
      const view = this.view;
      const hdr = entry!.def.header;
      const start = this.offset + NLMSG_HDRLEN + (hdr ? align4(hdr.fixed) : 0);
      const end = this.offset + this.len;
      let found: unknown[] | undefined;
      for (let pos = start; end - pos >= NLA_HDRLEN; ) {
        const alen = view.getUint16(pos, HOST_LE);
        const rtype = view.getUint16(pos + 2, HOST_LE);
        if (alen < NLA_HDRLEN || alen > end - pos) throw new NlDecodeError(`attribute length ${alen} is out of bounds`, pos).within(this.name);
        if ((rtype & NLA_TYPE_MASK) === info.nla) {
          const c = rtype & NLA_F_NET_BYTEORDER && codec.swapped ? codec.swapped : codec;
          let v: unknown;
          try {
            v = c.read(view, pos + NLA_HDRLEN, alen - NLA_HDRLEN, undefined);
          } catch (e) {
            throw e instanceof NlDecodeError ? e.within(info.name).within(this.name) : e;
          }
          if (!info.multi) return v;
          (found ??= []).push(v);
        }
        pos += align4(alen);
      }
      return found;
    }, this.offset);
  }
}

/** Lazy views of every message in `bytes` (only the `nlmsghdr` framing is checked up front). */
export function viewMessages<F extends Family<any>>(fam: F, bytes: Uint8Array): MessageView<F>[] {
  const view = viewOf(bytes);
  const out: MessageView<F>[] = [];
  for (const f of guardIter(() => frames(view))) out.push(new MessageView(fam, view, f.offset));
  return out;
}

// ---------------------------------------------------------------------------
// Encode

function resolveType(fam: Family<any>, msg: { name: string; type?: number }): { type: number; def?: MessageDef } {
  switch (msg.name) {
    case 'NLMSG_ERROR':
      return { type: NLMSG.ERROR };
    case 'NLMSG_DONE':
      return { type: NLMSG.DONE };
    case 'NLMSG_NOOP':
      return { type: NLMSG.NOOP };
    case 'NLMSG_OVERRUN':
      return { type: NLMSG.OVERRUN };
    case 'UNKNOWN':
      if (typeof msg.type !== 'number') throw new NlEncodeError('an UNKNOWN message needs its numeric type');
      return { type: msg.type };
  }
  const def = (fam.messages as Record<string, MessageDef>)[msg.name];
  if (!def) throw new NlEncodeError(`unknown message "${msg.name}" for family ${fam.name}`);
  return { type: def.type, def };
}

function checkU(v: unknown, bits: 16 | 32, what: string): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= 2 ** bits) throw new NlEncodeError(`${what} expects an integer in 0..${2 ** bits - 1}, got ${String(v)}`);
  return v;
}

/** Size in bytes of the encoded message (validates the input; throws {@link NlEncodeError}). */
export function messageSize<F extends Family<any>>(fam: F, msg: AnyInput<F>): number {
  const m = msg as MessageInput & { type?: number; payload?: Uint8Array };
  const { type, def } = resolveType(fam, m);
  const flags = checkU(m.flags, 16, 'nlmsg_flags');
  checkU(m.seq, 32, 'nlmsg_seq');
  checkU(m.pid, 32, 'nlmsg_pid');
  try {
    if (type === NLMSG.ERROR) return NLMSG_HDRLEN + errorPayloadSize(m.header as unknown as ErrorHeader, m.attrs as ExtAckAttrs, flags);
    if (type === NLMSG.DONE) {
      const h = (m.header ?? {}) as { error?: number };
      const extra = m.payload?.length ?? 0;
      return NLMSG_HDRLEN + (h.error === undefined ? 0 : 4 + (flags & NLM_F.ACK_TLVS && m.attrs ? extackAttrs.size(m.attrs as ExtAckAttrs) : 0) + extra);
    }
    if (!def) return NLMSG_HDRLEN + (m.payload?.length ?? 0);
    let n = NLMSG_HDRLEN;
    if (def.header) {
      const hs = def.header.size(m.header ?? {}, undefined);
      n += def.attrs && hs === def.header.fixed ? align4(hs) : hs;
    } else if (m.header && Object.keys(m.header).length) throw new NlEncodeError(`${m.name} has no fixed header`);
    if (def.attrs) n += def.attrs.size((m.attrs ?? {}) as any, rootScope(m.header));
    else if (m.attrs && Object.keys(m.attrs).length) throw new NlEncodeError(`${m.name} has no attributes`);
    return n;
  } catch (e) {
    if (e instanceof NlEncodeError) throw e.within(m.name);
    throw e;
  }
}

/**
 * Writes the message at `offset` (call {@link messageSize} first: it
 * validates, and `view` must have room). Returns the bytes written.
 */
export function writeMessage<F extends Family<any>>(fam: F, msg: AnyInput<F>, view: DataView, offset: number, size = messageSize(fam, msg)): number {
  const m = msg as MessageInput & { type?: number; payload?: Uint8Array };
  const { type, def } = resolveType(fam, m);
  const flags = m.flags ?? 0;
  writeHeader(view, offset, { len: size, type, flags, seq: m.seq ?? 0, pid: m.pid ?? 0 });
  const body = offset + NLMSG_HDRLEN;
  if (type === NLMSG.ERROR) {
    writeErrorPayload(view, body, m.header as unknown as ErrorHeader, m.attrs as ExtAckAttrs, flags);
  } else if (type === NLMSG.DONE) {
    const h = (m.header ?? {}) as { error?: number };
    if (h.error !== undefined) {
      view.setInt32(body, h.error, HOST_LE);
      let pos = body + 4;
      if (flags & NLM_F.ACK_TLVS && m.attrs) pos += extackAttrs.write(m.attrs as ExtAckAttrs, view, pos);
      if (m.payload) new Uint8Array(view.buffer, view.byteOffset + pos, m.payload.length).set(m.payload);
    }
  } else if (!def) {
    if (m.payload) new Uint8Array(view.buffer, view.byteOffset + body, m.payload.length).set(m.payload);
  } else {
    let pos = body;
    if (def.header) {
      const hdr = m.header ?? {};
      const hs = def.header.size(hdr, undefined);
      def.header.write(hdr, view, pos, undefined);
      const padded = def.attrs && hs === def.header.fixed ? align4(hs) : hs;
      for (let i = hs; i < padded; i++) view.setUint8(pos + i, 0);
      pos += padded;
    }
    if (def.attrs) def.attrs.write((m.attrs ?? {}) as any, view, pos, rootScope(m.header));
  }
  return size;
}

/** Encodes one message into a new buffer (two passes: size, then write). */
export function encodeMessage<F extends Family<any>>(fam: F, msg: AnyInput<F>): Uint8Array {
  const size = messageSize(fam, msg);
  const out = new Uint8Array(size);
  writeMessage(fam, msg, viewOf(out), 0, size);
  return out;
}

/** Encodes messages back to back into one buffer, each aligned to 4 bytes. */
export function encodeMessages<F extends Family<any>>(fam: F, msgs: readonly AnyInput<F>[]): Uint8Array {
  const sizes = msgs.map((m) => messageSize(fam, m));
  let total = 0;
  sizes.forEach((s, i) => (total += i === sizes.length - 1 ? s : align4(s)));
  const out = new Uint8Array(total);
  const view = viewOf(out);
  let pos = 0;
  msgs.forEach((m, i) => {
    writeMessage(fam, m, view, pos, sizes[i]);
    pos += align4(sizes[i]!);
  });
  return out;
}

// ---------------------------------------------------------------------------
// The canonical raw JSON form

/** A message in the canonical raw form: kernel names, `[name, value]` pairs, hex, address strings. */
export interface RawMessage {
  type: string | number;
  flags: number;
  seq: number;
  pid: number;
  fields: { [k: string]: Json };
  attrs: Json[];
  payload?: string;
}

/** The canonical raw form of a decoded message (what `nlkit decode --format raw` prints). */
export function toRaw<F extends Family<any>>(fam: F, msg: AnyMessage<F> | Message<string, unknown, unknown> | MessageView<F>): RawMessage {
  const m = (msg instanceof MessageView ? msg.decode() : msg) as Message & { payload?: Uint8Array };
  const base = { type: m.name === 'UNKNOWN' ? m.type : m.name, flags: m.flags, seq: m.seq, pid: m.pid };
  if (m.name === 'NLMSG_ERROR') {
    const h = m.header as unknown as ErrorHeader;
    const fields: { [k: string]: Json } = { error: h.error, msg: nlmsghdr.json(h.msg) };
    const out: RawMessage = { ...base, fields, attrs: extackAttrs.json(m.attrs as ExtAckAttrs) as Json[] };
    if (h.payload) out.payload = toHex(h.payload);
    return out;
  }
  if (m.name === 'NLMSG_DONE') {
    const h = m.header as { error?: number };
    const out: RawMessage = { ...base, fields: h.error === undefined ? {} : { error: h.error }, attrs: extackAttrs.json(m.attrs as ExtAckAttrs) as Json[] };
    if (m.payload) out.payload = toHex(m.payload);
    return out;
  }
  const def = fam.byType(m.type)?.def;
  if (!def) return { ...base, fields: {}, attrs: [], payload: toHex(m.payload ?? new Uint8Array()) };
  return {
    ...base,
    fields: def.header ? (def.header.json(m.header) as { [k: string]: Json }) : {},
    attrs: def.attrs ? (def.attrs.json(m.attrs as any, rootScope(m.header)) as Json[]) : [],
  };
}

/** JSON text of a raw-form value; `bigint`s are written as plain integers. */
export function stringifyRaw(value: unknown, indent?: number): string {
  const marks: string[] = [];
  const text = JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v === 'bigint') {
        marks.push(v.toString());
        return `\u0000big${marks.length - 1}\u0000`;
      }
      return v;
    },
    indent,
  );
  return marks.length ? text.replace(/"\\u0000big(\d+)\\u0000"/g, (_m, i) => marks[Number(i)]!) : text;
}

/** Raises the {@link NetlinkError} an `NLMSG_ERROR` (with a non-zero code) or `NLMSG_DONE` (with a negative code) stands for, or returns. */
export function throwIfError(fam: Family<any>, msg: Message<string, unknown, unknown> | MessageView<any>, operation?: string): void {
  const m = (msg instanceof MessageView ? msg.decode() : msg) as Message;
  if (m.name === 'NLMSG_ERROR') {
    const h = m.header as unknown as ErrorHeader;
    if (h.error === 0) return;
    throw new NetlinkError({
      errno: h.error,
      extack: toExtAck(m.attrs as ExtAckAttrs),
      seq: h.msg.seq,
      requestType: h.msg.type,
      ...(fam.byType(h.msg.type) ? { requestName: fam.byType(h.msg.type)!.name } : {}),
      ...(operation !== undefined ? { operation } : {}),
    });
  }
  if (m.name === 'NLMSG_DONE') {
    const e = (m.header as { error?: number }).error;
    if (e !== undefined && e < 0) throw new NetlinkError({ errno: e, extack: toExtAck(m.attrs as ExtAckAttrs), seq: m.seq, ...(operation !== undefined ? { operation } : {}) });
  }
}

/** True when an attribute-set object came from decode (it carries the wire order). */
export function isDecoded(value: object): boolean {
  return ATTR_ORDER in value;
}
