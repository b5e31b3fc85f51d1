import { ByteBlocks, HOST_LE, align4, copyBytes, toHex, viewOf } from './bytes.js';
import { attrOrder, NLA_F_NET_BYTEORDER, NLA_HDRLEN, NLA_TYPE_MASK, type AttrInfo, type AttrInput, type AttrSet, type AttrValues } from './attrs.js';
import type { Codec, Json, Scope } from './codec.js';
import { NetlinkError, NlDecodeError, NlEncodeError } from './errors.js';
import {
  NLMSG,
  NLMSG_HDRLEN,
  NLM_F,
  errorPayloadSize,
  extackAttrs,
  frameLength,
  frames,
  nlmsghdr,
  readErrorPayload,
  toExtAck,
  writeErrorPayload,
  type ErrorHeader,
  type ExtAckAttrs,
} from './nlmsg.js';
import type { StructCodec, StructField, StructInput, StructValue } from './struct.js';
import { specialisedAfter, specialisedCodecs } from './compile.js';
import { compileMessageEncoder, type CompiledMessage } from './message-encoder.js';

/** One message type of a family: its number, fixed header and attributes. */
export interface MessageDef {
  /** `nlmsg_type` (`RTM_NEWLINK` = 16). */
  readonly type: number;
  /** The fixed header after `nlmsghdr` (`struct ifinfomsg`). */
  readonly header?: StructCodec<any>;
  /** The attributes after the fixed header. */
  readonly attrs?: AttrSet<any>;
  /** A description of the message, for generated documentation. */
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
  /** The message types, by kernel name (`RTM_NEWLINK`). */
  readonly messages: M;
  /** The name and declaration of a message type number. */
  byType(type: number): {
    /** The message's kernel name. */
    readonly name: keyof M & string;
    /** Its declaration. */
    readonly def: MessageDef;
  } | undefined;
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
type MessagesOf<T> = T extends Family<infer M> ? M : never;
type Intersect<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** The message tables of several families, merged. */
type UnionMessages<F extends readonly Family<any>[]> = Intersect<MessagesOf<F[number]>> extends infer M extends Record<string, MessageDef> ? M : never;

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
  /** The fixed header after `nlmsghdr` (`struct ifinfomsg`), by friendly field name; `{}` when the type has none. */
  header: H;
  /** The attributes by friendly name; `{}` when the type has none. */
  attrs: A;
}

/** `NLMSG_ERROR`: an error (negative `header.error`) or an ACK (0), with the extended ACK in `attrs`. */
export interface ErrorMessage extends Message<'NLMSG_ERROR', ErrorHeader, ExtAckAttrs> {}
/** `NLMSG_DONE`: the end of a dump; `header.error` is the dump's result when the kernel sent one. */
export interface DoneMessage extends Message<'NLMSG_DONE', {
  /** The dump's result (0, or a negative errno), when the payload carries one. */
  error?: number;
}, ExtAckAttrs> {}
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
  /** The message's kernel name (`RTM_NEWLINK`); it gives `nlmsg_type`. */
  name: N;
  /** Defaults to 0. */
  flags?: number;
  /** Defaults to 0. */
  seq?: number;
  /** Defaults to 0. */
  pid?: number;
  /** The fixed header fields; missing ones are zero. */
  header?: H;
  /** The attributes, by friendly name. */
  attrs?: A;
}
/** Encode input for message `N` of family `F`. */
export type InputOf<F extends Family<any>, N extends keyof F['messages'] & string> = MessageInput<N, HeaderInputOf<F['messages'][N]>, AttrInputOf<F['messages'][N]>>;
/** Encode input for any message of family `F`, or a control message. */
export type AnyInput<F extends Family<any>> =
  | { [N in keyof F['messages'] & string]: InputOf<F, N> }[keyof F['messages'] & string]
  | (MessageInput<'NLMSG_ERROR', ErrorHeader, ExtAckAttrs>)
  | (MessageInput<'NLMSG_DONE', {
    /** The dump's result (0, or a negative errno); omitted for an empty `NLMSG_DONE`. */
    error?: number;
  }, ExtAckAttrs>)
  | (MessageInput<'UNKNOWN' | 'NLMSG_NOOP' | 'NLMSG_OVERRUN'> & {
    /** The `nlmsg_type` number. */
    type: number;
    /** The payload after `nlmsghdr`, written as is. */
    payload: Uint8Array;
  });

const rootScope = (header: unknown): Scope | undefined => (header && typeof header === 'object' ? { values: header as Record<string, unknown>, parent: undefined } : undefined);

/** A decoded message as {@link decodeMessageAt} gives it: one object literal, one shape for every message. */
function decoded(name: string, type: number, flags: number, view: DataView, offset: number, header: any, attrs: any, payload?: Uint8Array): any {
  const m = { name, type, flags, seq: view.getUint32(offset + 8, HOST_LE), pid: view.getUint32(offset + 12, HOST_LE), header, attrs };
  if (payload !== undefined) (m as { payload?: Uint8Array }).payload = payload;
  return m;
}

function decodeBody(fam: Family<any>, view: DataView, offset: number, type: number, flags: number, len: number): any {
  const body = offset + NLMSG_HDRLEN;
  const blen = len - NLMSG_HDRLEN;
  if (type === NLMSG.ERROR) {
    const r = readErrorPayload(view, body, blen, flags);
    return decoded('NLMSG_ERROR', type, flags, view, offset, r.header, r.attrs);
  }
  if (type === NLMSG.DONE) {
    if (blen === 0) return decoded('NLMSG_DONE', type, flags, view, offset, {}, {});
    if (blen < 4) throw new NlDecodeError(`NLMSG_DONE payload of ${blen} bytes is not an error code`, body);
    const attrs = flags & NLM_F.ACK_TLVS && blen > 4 ? extackAttrs.decode(view, body + 4, blen - 4) : {};
    const payload = !(flags & NLM_F.ACK_TLVS) && blen > 4 ? copyBytes(view, body + 4, blen - 4) : undefined;
    return decoded('NLMSG_DONE', type, flags, view, offset, { error: view.getInt32(body, HOST_LE) }, attrs, payload);
  }
  const entry = fam.byType(type);
  if (!entry) {
    const name = type === NLMSG.NOOP ? 'NLMSG_NOOP' : type === NLMSG.OVERRUN ? 'NLMSG_OVERRUN' : 'UNKNOWN';
    return decoded(name, type, flags, view, offset, {}, {}, copyBytes(view, body, blen));
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
  return decoded(entry.name, type, flags, view, offset, header, attrs);
}

/**
 * Decodes the message whose `nlmsghdr` is at `offset` into plain objects.
 * Throws {@link NlDecodeError} (only) on malformed input.
 */
export function decodeMessageAt<F extends Family<any>>(fam: F, view: DataView, offset: number): AnyMessage<F> {
  let type = -1;
  try {
    const len = view.getUint32(offset, HOST_LE);
    type = view.getUint16(offset + 4, HOST_LE);
    return decodeBody(fam, view, offset, type, view.getUint16(offset + 6, HOST_LE), len);
  } catch (e) {
    // Nothing but NlDecodeError escapes decode: a stray exception of a decoder is wrapped.
    if (e instanceof NlDecodeError) throw type < 0 ? e : e.within(messageName(fam, type));
    throw new NlDecodeError(`malformed input: ${e instanceof Error ? e.message : String(e)}`, offset);
  }
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
 * What a lazy view needs to know about one message type of a family,
 * resolved once per (family, type) and shared by every view of that type:
 * where the attributes start and, per attribute key asked for, how to read it.
 */
interface TypePlan {
  readonly name: string;
  readonly def: MessageDef;
  /** Offset of the first attribute from the `nlmsghdr`. */
  readonly attrStart: number;
  /** Per friendly name: how {@link MessageView.get} reads it (null: not an attribute of this type). */
  readonly keys: Map<string, AttrPlan | null>;
  /** The last two keys asked for and their plans: most callers alternate between a few keys. */
  k0: string | undefined;
  a0: AttrPlan | null;
  k1: string | undefined;
  a1: AttrPlan | null;
}

/** How {@link MessageView.get} reads one attribute ({@link AttrPlan.mode}). */
const ReadMode = {
  /** The codec ignores the scope: read with none. */
  Plain: 0,
  /** The codec may consult the scope: read with the message's fixed header as scope, as decode does. */
  HeaderScope: 1,
  /** A kind-dependent payload keyed by a field of the fixed header: pick the case from that field. */
  HeaderVariant: 2,
  /** Anything else: decode the whole message (once, cached) and take the attribute. */
  Decode: 3,
} as const;
type ReadMode = (typeof ReadMode)[keyof typeof ReadMode];

interface AttrPlan {
  readonly info: AttrInfo;
  readonly nla: number;
  readonly multi: boolean;
  readonly codec: Codec<any, any>;
  readonly mode: ReadMode;
  /** HeaderVariant: the selector's field in the fixed header, and the variant's cases. */
  readonly selector?: StructField;
  readonly cases?: Readonly<Record<string, Codec<any, any>>>;
  /** HeaderVariant: per small integer selector value, the case's codec when it can be read without scope, else null. */
  readonly byNumber?: (Codec<any, any> | null | undefined)[];
  /** HeaderVariant: the fallback codec when it can be read without scope, else null. */
  readonly fallback?: Codec<any, any> | null;
}

/** Codec kinds whose `read` never looks at the scope. */
const SCOPE_FREE = new Set<string>([
  'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'uint', 'sint', 'flag', 'string', 'binary',
  'ipv4', 'ipv6', 'ip', 'lladdr', 'pad', 'bitfield32', 'enum', 'flags',
]);

function scopeFree(c: Codec<any, any>): boolean {
  return !c.needsScope && SCOPE_FREE.has(c.kind);
}

function attrPlan(def: MessageDef, set: AttrSet<any>, info: AttrInfo): AttrPlan {
  const codec = info.codec;
  const base = { info, nla: info.nla, multi: info.multi, codec };
  if (!codec.needsScope) return { ...base, mode: scopeFree(codec) && (!codec.swapped || scopeFree(codec.swapped)) ? ReadMode.Plain : ReadMode.HeaderScope };
  const v = codec.info as { selector?: unknown; cases?: Record<string, Codec<any, any>>; fallback?: Codec<any, any> } | undefined;
  const field = codec.kind === 'sub-message' && typeof v?.selector === 'string' && v.cases && v.fallback && !set.byKey(v.selector)
    ? def.header?.fields.find((f) => f.key === v.selector && f.codec.kind !== 'pad')
    : undefined;
  if (field) {
    const cases = v!.cases!;
    const byNumber: (Codec<any, any> | null | undefined)[] = [];
    for (const k of Object.keys(cases)) {
      const n = Number(k);
      if (Number.isInteger(n) && n >= 0 && n < 65536 && String(n) === k) byNumber[n] = scopeFree(cases[k]!) ? cases[k]! : null;
    }
    return { ...base, mode: ReadMode.HeaderVariant, selector: field, cases, byNumber, fallback: scopeFree(v!.fallback!) ? v!.fallback! : null };
  }
  return { ...base, mode: ReadMode.Decode };
}

const typePlans = new WeakMap<Family<any>, (TypePlan | null | undefined)[]>();
let lastFamily: Family<any> | undefined;
let lastPlans: (TypePlan | null | undefined)[] = [];

/** The plan of message type `type` of `fam`, or null for a type the family does not declare. */
function typePlan(fam: Family<any>, type: number): TypePlan | null {
  let table = lastPlans;
  if (fam !== lastFamily) {
    table = typePlans.get(fam) ?? [];
    typePlans.set(fam, table);
    lastFamily = fam;
    lastPlans = table;
  }
  let plan = table[type];
  if (plan === undefined) {
    const entry = fam.byType(type);
    const hdr = entry?.def.header;
    plan = entry
      ? { name: entry.name, def: entry.def, attrStart: NLMSG_HDRLEN + (hdr ? align4(hdr.fixed) : 0), keys: new Map(), k0: undefined, a0: null, k1: undefined, a1: null }
      : null;
    table[type] = plan;
  }
  return plan;
}

function keyPlan(plan: TypePlan, key: string): AttrPlan | null {
  if (key === plan.k0) return plan.a0;
  if (key === plan.k1) return plan.a1;
  let a = plan.keys.get(key);
  if (a === undefined) {
    const set = plan.def.attrs;
    const info = set?.byKey(key);
    a = set && info ? attrPlan(plan.def, set, info) : null;
    plan.keys.set(key, a);
  }
  plan.k1 = plan.k0;
  plan.a1 = plan.a0;
  plan.k0 = key;
  plan.a0 = a;
  return a;
}

/** As {@link guard}: anything but an `NlDecodeError` thrown by a codec becomes one. */
function asDecodeError(e: unknown, offset: number): NlDecodeError {
  if (e instanceof NlDecodeError) return e;
  return new NlDecodeError(`malformed input: ${e instanceof Error ? e.message : String(e)}`, offset);
}

/**
 * What the lazy views of one datagram share: the family and the bytes. A
 * view that has been decoded gets a context of its own that also holds the
 * decoded message, so a view is two fields whether decoded or not.
 */
interface ViewContext<F extends Family<any>> {
  readonly family: F;
  readonly view: DataView;
  readonly decoded: AnyMessage<F> | undefined;
}
/** The context of the last view made: consecutive views of one datagram share it. */
let lastContext: ViewContext<any> | undefined;

/**
 * A message held as a view over the received bytes. The `nlmsghdr` fields
 * are read from the bytes on access; the fixed header and attributes are
 * decoded on first access and cached; {@link MessageView.get} decodes one
 * attribute without decoding the rest. A dump of a million routes becomes a
 * million small views, not a million object trees.
 */
export class MessageView<F extends Family<any> = Family<any>> {
  /** The family and the bytes (shared by the views of one datagram), and the decoded message once there is one. */
  #at: ViewContext<F>;
  /** Offset of the `nlmsghdr` in `view`. */
  readonly offset: number;

  constructor(fam: F, view: DataView, offset: number) {
    let at = lastContext as ViewContext<F> | undefined;
    if (at === undefined || at.view !== view || at.family !== fam) lastContext = at = { family: fam, view, decoded: undefined };
    this.#at = at;
    this.offset = offset;
  }

  /** The family the message is decoded with. */
  get family(): F {
    return this.#at.family;
  }
  /** The bytes the message is in (the datagram's; shared, never copied). */
  get view(): DataView {
    return this.#at.view;
  }

  /** `nlmsg_len`: the message's length in bytes, header included. */
  get len(): number {
    return this.#at.view.getUint32(this.offset, HOST_LE);
  }
  /** `nlmsg_type`. */
  get type(): number {
    return this.#at.view.getUint16(this.offset + 4, HOST_LE);
  }
  /** `nlmsg_flags`. */
  get flags(): number {
    return this.#at.view.getUint16(this.offset + 6, HOST_LE);
  }
  /** `nlmsg_seq`. */
  get seq(): number {
    return this.#at.view.getUint32(this.offset + 8, HOST_LE);
  }
  /** `nlmsg_pid`. */
  get pid(): number {
    return this.#at.view.getUint32(this.offset + 12, HOST_LE);
  }
  /** The kernel name of the message type (`RTM_NEWLINK`, `NLMSG_ERROR`), or `UNKNOWN`. */
  get name(): string {
    const type = this.#at.view.getUint16(this.offset + 4, HOST_LE);
    return typePlan(this.#at.family, type)?.name ?? controlName(type);
  }
  /** The message's bytes (a view, not a copy). */
  get bytes(): Uint8Array {
    return new Uint8Array(this.#at.view.buffer, this.#at.view.byteOffset + this.offset, this.len);
  }
  /** The whole message, decoded once and cached. */
  decode(): AnyMessage<F> {
    const at = this.#at;
    if (at.decoded !== undefined) return at.decoded;
    const decoded = decodeMessageAt(at.family, at.view, this.offset);
    this.#at = { family: at.family, view: at.view, decoded };
    return decoded;
  }
  /** The fixed header fields, as {@link Message.header} (decodes the whole message once). */
  get header(): AnyMessage<F>['header'] {
    return (this.decode() as Message).header as AnyMessage<F>['header'];
  }
  /** The attributes, as {@link Message.attrs} (decodes the whole message once). */
  get attrs(): AnyMessage<F>['attrs'] {
    return (this.decode() as Message).attrs as AnyMessage<F>['attrs'];
  }

  /**
   * One attribute by friendly name, decoded from the bytes without decoding
   * the others (a repeated attribute gives an array). Undefined when absent.
   */
  get(key: string): unknown {
    const decoded = this.#at.decoded;
    if (decoded !== undefined) return (decoded.attrs as Record<string, unknown>)[key];
    const view = this.#at.view;
    const offset = this.offset;
    const plan = typePlan(this.#at.family, view.getUint16(offset + 4, HOST_LE));
    if (plan === null) return (this.decode().attrs as Record<string, unknown>)[key]; // control messages
    const a = keyPlan(plan, key);
    if (a === null) return undefined;
    const mode = a.mode;
    if (mode === ReadMode.Decode) return (this.decode().attrs as Record<string, unknown>)[key];
    const end = offset + view.getUint32(offset, HOST_LE);
    const nla = a.nla;
    let found: unknown[] | undefined;
    for (let pos = offset + plan.attrStart; end - pos >= NLA_HDRLEN; ) {
      const alen = view.getUint16(pos, HOST_LE);
      const rtype = view.getUint16(pos + 2, HOST_LE);
      if (alen < NLA_HDRLEN || alen > end - pos) throw new NlDecodeError(`attribute length ${alen} is out of bounds`, pos).within(plan.name);
      if ((rtype & NLA_TYPE_MASK) === nla) {
        let v: unknown;
        try {
          v = this.#read(plan, a, rtype, pos + NLA_HDRLEN, alen - NLA_HDRLEN);
        } catch (e) {
          if (e instanceof NlDecodeError) throw e.within(a.info.name).within(plan.name);
          throw asDecodeError(e, offset);
        }
        if (v === NEEDS_DECODE) return (this.decode().attrs as Record<string, unknown>)[key];
        if (!a.multi) return v;
        (found ??= []).push(v);
      }
      pos += align4(alen);
    }
    return found;
  }

  #read(plan: TypePlan, a: AttrPlan, rtype: number, pos: number, len: number): unknown {
    const view = this.#at.view;
    let codec = a.codec;
    if (a.mode === ReadMode.HeaderVariant) {
      const f = a.selector!;
      const at = this.offset + NLMSG_HDRLEN + f.offset;
      const key = at + f.size <= this.offset + view.getUint32(this.offset, HOST_LE) ? f.codec.read(view, at, f.size, undefined) : undefined;
      let c: Codec<any, any> | null | undefined;
      if (typeof key === 'number' && key >= 0 && key < 65536 && Number.isInteger(key)) {
        c = a.byNumber![key];
        if (c === undefined) c = a.fallback!;
      }
      else c = (typeof key === 'string' || typeof key === 'number') && Object.hasOwn(a.cases!, key) ? (scopeFree(a.cases![key]!) ? a.cases![key]! : null) : a.fallback!;
      if (c === null) return NEEDS_DECODE;
      return c.read(view, pos, len, undefined);
    }
    if (rtype & NLA_F_NET_BYTEORDER && codec.swapped) codec = codec.swapped;
    if (a.mode === ReadMode.Plain) return codec.read(view, pos, len, undefined);
    return codec.read(view, pos, len, rootScope(this.#header(plan)));
  }

  /** The fixed header, decoded (not cached): the scope of codecs that may consult it. */
  #header(plan: TypePlan): unknown {
    const hdr = plan.def.header;
    if (!hdr) return {};
    const blen = this.#at.view.getUint32(this.offset, HOST_LE) - NLMSG_HDRLEN;
    return hdr.read(this.#at.view, this.offset + NLMSG_HDRLEN, Math.min(hdr.fixed, blen), undefined);
  }
}

/** Returned by `MessageView.#read` when only a full decode can give the value. */
const NEEDS_DECODE: unique symbol = Symbol('needs decode');

/** Lazy views of every message in `bytes` (only the `nlmsghdr` framing is checked up front). */
export function viewMessages<F extends Family<any>>(fam: F, bytes: Uint8Array): MessageView<F>[] {
  const view = viewOf(bytes);
  const out: MessageView<F>[] = [];
  const end = view.byteLength;
  for (let pos = 0; pos < end; ) {
    const len = frameLength(view, pos, end);
    out.push(new MessageView(fam, view, pos));
    pos += Math.min(align4(len), end - pos);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Encode

const CONTROL_TYPES: Readonly<Record<string, number>> = {
  NLMSG_ERROR: NLMSG.ERROR,
  NLMSG_DONE: NLMSG.DONE,
  NLMSG_NOOP: NLMSG.NOOP,
  NLMSG_OVERRUN: NLMSG.OVERRUN,
};

/** A message type resolved by name; `type` -1 for `UNKNOWN` (the number comes with the message). */
interface NamedType {
  readonly type: number;
  readonly def: MessageDef | undefined;
  /** The message's specialised encoder (message-encoder.ts): undefined until made, null where none can be. */
  enc?: CompiledMessage | null;
  /** Messages of this type sized before {@link enc} is made. */
  uses?: number;
}

/** Makes the specialised encoder of messages of `r`'s type once enough have been sized (see compile.ts); null meanwhile and where none can be. */
function messageEncoder(r: NamedType): CompiledMessage | null {
  const def = r.def;
  if (def === undefined) return (r.enc = null);
  r.uses = (r.uses ?? 0) + 1;
  if (r.uses <= specialisedAfter()) return null;
  return (r.enc = compileMessageEncoder(def.type, def.header, def.attrs));
}

const namedTypes = new WeakMap<Family<any>, Map<string, NamedType>>();
let lastNamedFamily: Family<any> | undefined;
let lastNamed = new Map<string, NamedType>();
/** The last name resolved and its type: the size and write passes of a message ask for the same, and so do runs of messages. */
let lastResolved: { readonly fam: Family<any>; readonly name: string; readonly type: NamedType } | undefined;

function resolveType(fam: Family<any>, msg: { name: string; type?: number }): NamedType {
  const name = msg.name;
  const last = lastResolved;
  const r = last !== undefined && last.name === name && last.fam === fam ? last.type : namedType(fam, name);
  if (r.type === -1) {
    if (typeof msg.type !== 'number') throw new NlEncodeError('an UNKNOWN message needs its numeric type');
    return { type: msg.type, def: undefined };
  }
  return r;
}

function namedType(fam: Family<any>, name: string): NamedType {
  let table = lastNamed;
  if (fam !== lastNamedFamily) {
    table = namedTypes.get(fam) ?? new Map();
    namedTypes.set(fam, table);
    lastNamedFamily = fam;
    lastNamed = table;
  }
  let r = table.get(name);
  if (r === undefined) {
    if (Object.hasOwn(CONTROL_TYPES, name)) r = { type: CONTROL_TYPES[name]!, def: undefined };
    else if (name === 'UNKNOWN') r = { type: -1, def: undefined };
    else {
      const def = Object.hasOwn(fam.messages, name) ? (fam.messages as Record<string, MessageDef>)[name] : undefined;
      if (!def) throw new NlEncodeError(`unknown message "${name}" for family ${fam.name}`);
      r = { type: def.type, def };
    }
    table.set(name, r);
  }
  lastResolved = { fam, name, type: r };
  return r;
}

function checkU(v: unknown, bits: 16 | 32, what: string): number {
  if (v === undefined) return 0;
  const max = bits === 16 ? 0xffff : 0xffffffff; // not 2 ** bits: a call to pow() when this is not inlined
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw new NlEncodeError(`${what} expects an integer in 0..${max}, got ${String(v)}`);
  return v;
}

function hasKeys(o: object): boolean {
  for (const k in o) if (Object.hasOwn(o, k)) return true;
  return false;
}

/** Size in bytes of the encoded message (validates the input; throws {@link NlEncodeError}). */
export function messageSize<F extends Family<any>>(fam: F, msg: AnyInput<F>): number {
  const r = resolveType(fam, msg as { name: string; type?: number });
  // The specialised encoder, once made (a small function, so that this one stays small to inline).
  const c = r.enc;
  if (c && specialisedCodecs()) {
    const n = c.size(msg);
    if (n >= 0) return n;
  }
  return sizeOf(msg as MessageInput & { type?: number; payload?: Uint8Array }, r);
}

/** {@link messageSize} without a specialised encoder made (this may make it), or where it gave up. */
function sizeOf(m: MessageInput & { type?: number; payload?: Uint8Array }, r: NamedType): number {
  if (r.enc === undefined && specialisedCodecs()) {
    const c = messageEncoder(r);
    if (c !== null) {
      const n = c.size(m);
      if (n >= 0) return n;
    }
  }
  const { type, def } = r;
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
    } else if (m.header && hasKeys(m.header)) throw new NlEncodeError(`${m.name} has no fixed header`);
    if (def.attrs) n += def.attrs.size((m.attrs ?? {}) as any, rootScope(m.header));
    else if (m.attrs && hasKeys(m.attrs)) throw new NlEncodeError(`${m.name} has no attributes`);
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
  const r = resolveType(fam, m);
  // The specialised encoder, when messageSize has made it (it writes what it sized).
  if (r.enc && specialisedCodecs() && r.enc.write(m, view, offset, size) >= 0) return size;
  const { type, def } = r;
  const flags = m.flags ?? 0;
  view.setUint32(offset, size, HOST_LE);
  view.setUint16(offset + 4, type, HOST_LE);
  view.setUint16(offset + 6, flags, HOST_LE);
  view.setUint32(offset + 8, m.seq ?? 0, HOST_LE);
  view.setUint32(offset + 12, m.pid ?? 0, HOST_LE);
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
      // A struct's write returns the bytes it wrote (its size, or a decoded value's own extent).
      const written = def.header.write(hdr, view, pos, undefined);
      const hs = typeof written === 'number' ? written : def.header.size(hdr, undefined);
      const padded = def.attrs && hs === def.header.fixed ? align4(hs) : hs;
      for (let i = hs; i < padded; i++) view.setUint8(pos + i, 0);
      pos += padded;
    }
    if (def.attrs) def.attrs.write((m.attrs ?? {}) as any, view, pos, rootScope(m.header));
  }
  return size;
}

/**
 * Where {@link encodeMessage} puts small messages: a typed array of their
 * size made on its own would live inside V8's heap, and the `.buffer` its
 * DataView needs moves it out, at a cost above the whole encode; a fresh
 * `ArrayBuffer` costs as much. Ranges of shared blocks cost neither.
 */
const encodeBlocks = new ByteBlocks();

/**
 * Encodes one message into bytes of its own (two passes: size, then write).
 * A small message is a range of a shared block, as Node's pooled `Buffer`s
 * are: mind `byteOffset` when going through `.buffer`.
 */
export function encodeMessage<F extends Family<any>>(fam: F, msg: AnyInput<F>): Uint8Array {
  const size = messageSize(fam, msg);
  const at = encodeBlocks.reserve(size);
  const bytes = encodeBlocks.bytes;
  writeMessage(fam, msg, encodeBlocks.view, at, size);
  return bytes.subarray(at, at + size);
}

/** Encodes messages back to back into one buffer, each aligned to 4 bytes. */
export function encodeMessages<F extends Family<any>>(fam: F, msgs: readonly AnyInput<F>[]): Uint8Array {
  const sizes = msgs.map((m) => messageSize(fam, m));
  let total = 0;
  sizes.forEach((s, i) => (total += i === sizes.length - 1 ? s : align4(s)));
  const buf = new ArrayBuffer(total); // as in encodeMessage: views of a buffer, not the buffer of a view
  const out = new Uint8Array(buf);
  const view = new DataView(buf);
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
  /** The message type's kernel name, or its number when the family does not know it. */
  type: string | number;
  /** `nlmsg_flags`. */
  flags: number;
  /** `nlmsg_seq`. */
  seq: number;
  /** `nlmsg_pid`. */
  pid: number;
  /** The fixed header by C member name (`ifi_index`); for `NLMSG_ERROR`, `error` and the echoed `msg`. */
  fields: { [k: string]: Json };
  /** The attributes as `[kernel name, value]` pairs, in wire order. */
  attrs: Json[];
  /** Payload bytes not decoded (an unknown type, an echoed request), as lowercase hex. */
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
  return attrOrder(value) !== undefined;
}
