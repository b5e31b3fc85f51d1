import { HOST_LE, align4, copyBytes, toHex } from './bytes.js';
import { describe, encodeFail, lookupScope, type Codec, type Decoded, type Input, type Json, type Scope } from './codec.js';
import { NlDecodeError, NlEncodeError } from './errors.js';
import { raw as rawCodec } from './scalars.js';
import { access, isPlainObject, makeCode, setEncoderCodes, specialisedAfter, specialisedCodecs, variantCodes, type SetEncoderCode, type VariantCode } from './compile.js';
import { intLayout } from './ints.js';

/** `NLA_F_NESTED`: the payload is attributes. */
export const NLA_F_NESTED = 0x8000;
/** `NLA_F_NET_BYTEORDER`: an integer payload is big-endian. */
export const NLA_F_NET_BYTEORDER = 0x4000;
/** `NLA_TYPE_MASK`: the attribute number without the two flag bits. */
export const NLA_TYPE_MASK = 0x3fff;
/** `NLA_HDRLEN`. */
export const NLA_HDRLEN = 4;

// ---------------------------------------------------------------------------
// Declarations

/** One attribute of a set: its number, value codec, and how it repeats. */
export interface AttrDef {
  /** The attribute number (`IFLA_MTU` = 4). */
  readonly nla: number;
  /**
   * The payload codec, or a function returning it (resolved on first use, for
   * sets that refer to each other or to themselves).
   */
  readonly codec: Codec<any, any> | (() => Codec<any, any>);
  /** The attribute may appear several times (ynl `multi-attr`); the value is an array. */
  readonly multi?: boolean;
  /** The kernel name, when it is not `prefix + SNAKE(key)`. */
  readonly name?: string;
  /** A description of the attribute, for generated documentation. */
  readonly doc?: string;
}

type CodecOf<D> = D extends { codec: infer C } ? (C extends () => infer R ? R : C) : never;
type ValueOf<D> = D extends { multi: true } ? Decoded<CodecOf<D>>[] : Decoded<CodecOf<D>>;
type InputOf<D> = D extends { multi: true } ? Input<CodecOf<D>>[] : Input<CodecOf<D>>;

/** The decoded values of an attribute set: every attribute optional, repeated ones as arrays. */
export type AttrValues<D> = { -readonly [K in keyof D]?: ValueOf<D[K]> };
/** What encode accepts for an attribute set. */
export type AttrInput<D> = { -readonly [K in keyof D]?: InputOf<D[K]> };

/** A resolved attribute of a set, for introspection. */
export interface AttrInfo {
  /** Friendly name (`mtu`). */
  readonly key: string;
  /** Kernel name (`IFLA_MTU`). */
  readonly name: string;
  /** The attribute number (`nla_type` without the flag bits). */
  readonly nla: number;
  /** Position in the declaration. */
  readonly index: number;
  /** The payload codec, resolved. */
  readonly codec: Codec<any, any>;
  /** Whether the attribute repeats (its value is an array). */
  readonly multi: boolean;
  /** The description given in the declaration ({@link AttrDef.doc}). */
  readonly doc?: string;
}

/**
 * What every decoded attribute-set object carries, hidden (see
 * {@link attrOrder}): the order and flags in which the attributes came, and
 * the bytes of any attribute the schema does not know. Encode uses it to
 * re-emit a decoded object byte for byte.
 */
export interface AttrOrder {
  /**
   * `nla_type` of each attribute, with its flag bits, in wire order. Values
   * whose attributes came alike (the routes of a dump) share one frozen list.
   */
  readonly types: readonly number[];
  /**
   * Per index of `types`: the payload bytes of an attribute kept verbatim
   * (unknown, or a repeat of a non-repeating attribute), or of a lossy value.
   */
  raws?: (Uint8Array | undefined)[];
  /** Per index: the value whose exact bytes are in `raws` (undefined for verbatim attributes). */
  rawValues?: unknown[];
  /** Bytes after the last attribute too short to be one. */
  tail?: Uint8Array;
}

/** The record of a value still being decoded (see `created`). */
const NO_RECORD: AttrOrder = Object.freeze({ types: Object.freeze([]) });

/** How many wire-order records without kept bytes a set remembers for values decoded alike to share. */
const RECENT_ORDERS = 4;

/** A base class whose constructor hands back the object it is given, so that a subclass adds its private fields to that object. */
class Given {
  constructor(target: object) {
    return target;
  }
}

/**
 * Keeps each decoded set's {@link AttrOrder} in a private field of the
 * object itself: invisible to `Object.keys`, `JSON.stringify`, spread,
 * `structuredClone` and deep equality, and the object keeps
 * `Object.prototype`. Adding a private field is an ordinary property
 * transition; `Object.defineProperty` of a hidden symbol, as until
 * 2026-11-23, cost ~0.2 µs per decoded object.
 */
class OrderOf extends Given {
  #order: AttrOrder;
  private constructor(target: object, order: AttrOrder) {
    super(target);
    this.#order = order;
  }
  /** Gives `target` its record (once: the objects are fresh from decode). */
  static stamp(target: object, order: AttrOrder): void {
    new OrderOf(target, order);
  }
  /** Replaces the record of a stamped `target`. */
  static set(target: object, order: AttrOrder): void {
    (target as OrderOf).#order = order;
  }
  static get(value: object): AttrOrder | undefined {
    return #order in value ? (value as OrderOf).#order : undefined;
  }
}

/**
 * The wire-order record of an attribute-set object that came from decode
 * (its attributes' order and flag bits, and the bytes of those the schema
 * does not know); undefined for an object built by hand, or a copy of a
 * decoded one (`{ ...attrs }`, `structuredClone`), which encode in
 * declaration order.
 */
export function attrOrder(value: object): AttrOrder | undefined {
  return OrderOf.get(value);
}

/** An attribute the schema does not know, as found. */
export interface UnknownAttr {
  /** The attribute number (`nla_type` without the flag bits). */
  readonly type: number;
  /** `NLA_F_NESTED` / `NLA_F_NET_BYTEORDER` bits as received. */
  readonly flags: number;
  /** The payload, without the 4-byte `struct nlattr` header and padding. */
  readonly data: Uint8Array;
}

/**
 * An attribute set: one declaration from which decode, encode, the TypeScript
 * types, arbitraries and name↔number tables all follow.
 */
export interface AttrSet<D extends Record<string, AttrDef> = Record<string, AttrDef>> {
  /** Always `"attrset"`. */
  readonly kind: 'attrset';
  /** A name for docs and errors (`link-attrs`). */
  readonly name: string;
  /** Prefix of the kernel names (`IFLA_`). */
  readonly prefix: string;
  /** The declaration the set was made from, as given. */
  readonly defs: D;
  /** Attributes in declaration order. */
  readonly attrs: readonly AttrInfo[];
  /** The attribute with friendly name `key` (`mtu`), or undefined. */
  byKey(key: string): AttrInfo | undefined;
  /** The attribute with number `nla` (without flag bits), or undefined. */
  byNumber(nla: number): AttrInfo | undefined;
  /** The kernel name of an attribute number, or `PREFIX` + `UNKNOWN_<n>`. */
  nameOf(nla: number): string;
  /**
   * Decodes the attributes (`struct nlattr` header, payload, padding to 4
   * bytes) in the `length` bytes at `offset`; throws {@link NlDecodeError}.
   */
  decode(view: DataView, offset: number, length: number, scope?: Scope): AttrValues<D>;
  /** Validates a value (throws {@link NlEncodeError}) and returns its encoded size, headers and padding included. */
  size(value: AttrInput<D>, scope?: Scope): number;
  /** Writes the attributes at `offset`; returns the bytes written (as `size` computed). */
  write(value: AttrInput<D>, view: DataView, offset: number, scope?: Scope): number;
  /** The value as `[name, value]` pairs, in wire order when it was decoded. */
  json(value: AttrValues<D>, scope?: Scope): Json;
}

/** Options of {@link attrs}. */
export interface AttrSetOptions {
  /** A name for docs and errors; defaults to the prefix. */
  name?: string;
}

/** `camelCase` → `SNAKE_CASE` (`fdbNLearned` → `FDB_N_LEARNED`). */
function upperSnake(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toUpperCase();
}

const resolved = new WeakMap<object, Codec<any, any>>();
function codecOf(def: AttrDef): Codec<any, any> {
  if (typeof def.codec !== 'function') return def.codec;
  let c = resolved.get(def);
  if (!c) {
    c = (def.codec as () => Codec<any, any>)();
    resolved.set(def, c);
  }
  return c;
}

/**
 * Declares an attribute set with explicit numbers. Kernel names are the
 * prefix plus the key in SNAKE_CASE unless given (`name`).
 *
 * ```ts
 * const vlan = attrs('IFLA_VLAN_', {
 *   id:       { nla: 1, codec: u16 },
 *   flags:    { nla: 2, codec: vlanFlags },
 *   protocol: { nla: 5, codec: u16be },
 * });
 * ```
 */
export function attrs<const D extends Record<string, AttrDef>>(prefix: string, defs: D, opts: AttrSetOptions = {}): AttrSet<D> {
  const setName = opts.name ?? prefix;
  const infos: AttrInfo[] = [];
  const keys = new Map<string, AttrInfo>();
  const numbers: (AttrInfo | undefined)[] = [];
  for (const [key, def] of Object.entries(defs)) {
    if (!Number.isInteger(def.nla) || def.nla < 0 || def.nla > NLA_TYPE_MASK) throw new TypeError(`${setName}.${key}: bad attribute number ${def.nla}`);
    if (numbers[def.nla]) throw new TypeError(`${setName}: ${key} and ${numbers[def.nla]!.key} share number ${def.nla}`);
    const info: AttrInfo = {
      key,
      name: def.name ?? prefix + upperSnake(key),
      nla: def.nla,
      index: infos.length,
      multi: def.multi === true,
      ...(def.doc !== undefined ? { doc: def.doc } : {}),
    } as AttrInfo;
    if (typeof def.codec === 'function') Object.defineProperty(info, 'codec', { get: () => codecOf(def), enumerable: true });
    else (info as { codec: Codec<any, any> }).codec = def.codec;
    infos.push(info);
    keys.set(key, info);
    numbers[def.nla] = info;
  }

  // Decoded values are made by a constructor of the set's own whose
  // prototype is Object.prototype: plain objects to anyone (prototype,
  // `constructor`, inspection, equality), but V8 sizes them to the keys the
  // set's values have, where an object literal grown key by key has room
  // for four and puts the rest in a second allocation.
  const Values = function Values() {} as unknown as new () => Record<string, unknown>;
  Values.prototype = Object.prototype;

  let deferredChecked = false;
  let hasDeferred = false;
  function anyDeferred(): boolean {
    if (!deferredChecked) {
      hasDeferred = infos.some((i) => i.codec.needsScope);
      deferredChecked = true;
    }
    return hasDeferred;
  }

  const set: AttrSet<D> = {
    kind: 'attrset',
    name: setName,
    prefix,
    defs,
    attrs: infos,
    byKey: (key) => keys.get(key),
    byNumber: (nla) => numbers[nla],
    nameOf: (nla) => numbers[nla]?.name ?? `${prefix}UNKNOWN_${nla}`,

    decode(view, offset, length, scope) {
      if (specialisedCodecs()) {
        const d = compiledDecoder !== undefined ? compiledDecoder : ++decodes > specialisedAfter() ? (compiledDecoder = compileSetDecoder(infos.map((i) => ({ info: i, codec: i.codec })), keepRaw, copyBytes)) : null;
        if (d !== null) {
          const out = created();
          const work = begin();
          const inner: Scope | undefined = anyDeferred() ? { values: out, parent: scope } : scope;
          // Anything but a clean read (a malformed attribute, a codec that throws) is the interpreted decoder's to report.
          const count = d(view, offset, offset + length, out, work, work.types as number[], inner);
          if (count >= 0) return finish(out, work, count) as AttrValues<D>;
          end(work);
        }
      }
      return decodeInterpreted(view, offset, length, scope);
    },

    size: (value, scope) => sizeSet(value as Record<string, unknown>, scope),
    write: (value, view, offset, scope) => encodeSet(value as Record<string, unknown>, scope, view, offset),

    json(value, scope) {
      const inner = innerScope(value as Record<string, unknown>, scope);
      return entries(value as Record<string, unknown>).map((e): Json => {
        if (e.info === undefined || (e.raw !== undefined && e.value === undefined)) return [set.nameOf(e.rtype & NLA_TYPE_MASK), toHex(e.raw!)];
        return [e.info.name, e.info.codec.json(e.value, inner)];
      });
    },
  };

  /** The set's specialised decoder (see compile.ts): undefined until made, null where none can be. */
  let compiledDecoder: CompiledDecoder | null | undefined;
  /** Values decoded before the decoder is made. */
  let decodes = 0;

  // The wire order of the value being decoded is gathered in `gather`;
  // once decoded, a value whose attributes came in the same order as a
  // recent one's (the routes of a dump) shares that value's record, and
  // only a value with bytes kept verbatim gets one of its own. A value of
  // this set nested in one being decoded gathers into a record of its own.
  const gather: AttrOrder & { types: number[] } = { types: [] };
  let gathering = false;
  /** Records without kept bytes, most recent first, for values to share. */
  const recent: AttrOrder[] = [];

  /**
   * A decoded value's object, stamped while still empty (so that adding the
   * private field is one transition from the set's first map, not one from
   * each combination of keys); {@link finish} puts its record in.
   */
  function created(): Record<string, unknown> {
    const out = new Values();
    OrderOf.stamp(out, NO_RECORD);
    return out;
  }

  /** Where a decode gathers its wire order. */
  function begin(): AttrOrder & { types: number[] } {
    if (gathering) return { types: [] };
    gathering = true;
    return gather;
  }

  /** The decode that gathered into `work` is over (done or failed): `gather` is free again. */
  function end(work: AttrOrder): void {
    if (work !== gather) return;
    gather.raws = gather.rawValues = gather.tail = undefined;
    gathering = false;
  }

  /** Gives `out` the record of its `count` attributes gathered in `work`, and returns it. */
  function finish(out: Record<string, unknown>, work: AttrOrder, count: number): Record<string, unknown> {
    let kept: AttrOrder | undefined;
    if (work.raws === undefined && work.tail === undefined) {
      kept = shared(work.types, count);
    } else {
      kept = { types: work.types.slice(0, count) };
      if (work.raws !== undefined) kept.raws = work.raws;
      if (work.rawValues !== undefined) kept.rawValues = work.rawValues;
      if (work.tail !== undefined) kept.tail = work.tail;
    }
    end(work);
    OrderOf.set(out, kept);
    return out;
  }

  /** A recent record of exactly these `count` types, or a new one (remembered, its list frozen). */
  function shared(types: readonly number[], count: number): AttrOrder {
    search: for (let r = 0; r < recent.length; r++) {
      const o = recent[r]!;
      const t = o.types;
      if (t.length !== count) continue;
      for (let i = 0; i < count; i++) if (t[i] !== types[i]) continue search;
      return o;
    }
    const o: AttrOrder = { types: Object.freeze(types.slice(0, count)) };
    if (recent.length === RECENT_ORDERS) recent.pop();
    recent.unshift(o);
    return o;
  }

  /** The declaration walked for each attribute; raises every decode error with its path. */
  function decodeInterpreted(view: DataView, offset: number, length: number, scope: Scope | undefined): AttrValues<D> {
    const out = created();
    const order = begin();
    try {
      const idx = walk(view, offset, offset + length, scope, out, order, order.types);
      return finish(out, order, idx) as AttrValues<D>;
    } catch (e) {
      end(order);
      throw e;
    }
  }

  /** {@link decodeInterpreted}'s walk over the attributes; returns how many there were. */
  function walk(view: DataView, offset: number, end: number, scope: Scope | undefined, out: Record<string, unknown>, order: AttrOrder, types: number[]): number {
    let pos = offset;
    let idx = 0;
    // Attributes whose codec needs the scope (a sub-message keyed by a
    // sibling) are read in a second walk, once the others are in `out`.
    let deferred = false;
    const inner: Scope | undefined = anyDeferred() ? { values: out, parent: scope } : scope;
    while (end - pos >= NLA_HDRLEN) {
      const alen = view.getUint16(pos, HOST_LE);
      const rtype = view.getUint16(pos + 2, HOST_LE);
      if (alen < NLA_HDRLEN) throw new NlDecodeError(`attribute length ${alen} is shorter than its 4-byte header`, pos).within(set.nameOf(rtype & NLA_TYPE_MASK));
      if (alen > end - pos) {
        throw new NlDecodeError(`attribute length ${alen} runs past the end of its container (${end - pos} bytes left)`, pos).within(set.nameOf(rtype & NLA_TYPE_MASK));
      }
      types[idx] = rtype;
      const info = numbers[rtype & NLA_TYPE_MASK];
      if (info === undefined) {
        keepRaw(order, idx, copyBytes(view, pos + NLA_HDRLEN, alen - NLA_HDRLEN), undefined);
      } else {
        const codec = info.codec;
        // A repeat of a non-repeating attribute is kept verbatim; one whose
        // codec needs the scope is never in `out` yet, so every one of them is read.
        if (codec.needsScope) deferred = true;
        else if (!info.multi && out[info.key] !== undefined) keepRaw(order, idx, copyBytes(view, pos + NLA_HDRLEN, alen - NLA_HDRLEN), undefined);
        else readOne(info, codec, rtype, view, pos, alen, inner, out, order, idx);
      }
      idx++;
      pos += align4(alen);
    }
    if (pos < end) order.tail = copyBytes(view, pos, end - pos);
    if (deferred) {
      pos = offset;
      for (let i = 0; i < idx; i++) {
        const alen = view.getUint16(pos, HOST_LE);
        const rtype = types[i]!;
        const info = numbers[rtype & NLA_TYPE_MASK];
        if (info !== undefined && info.codec.needsScope) readOne(info, info.codec, rtype, view, pos, alen, inner, out, order, i);
        pos += align4(alen);
      }
    }
    return idx;
  }

  function readOne(info: AttrInfo, codec: Codec<any, any>, rtype: number, view: DataView, pos: number, alen: number, scope: Scope | undefined, out: Record<string, unknown>, order: AttrOrder, idx: number): void {
    const c = rtype & NLA_F_NET_BYTEORDER && codec.swapped ? codec.swapped : codec;
    let v: unknown;
    try {
      v = c.read(view, pos + NLA_HDRLEN, alen - NLA_HDRLEN, scope);
    } catch (e) {
      if (e instanceof NlDecodeError) throw e.within(info.name);
      throw e;
    }
    if (c.lossy && !c.exact!(view, pos + NLA_HDRLEN, alen - NLA_HDRLEN, v)) keepRaw(order, idx, copyBytes(view, pos + NLA_HDRLEN, alen - NLA_HDRLEN), v);
    if (info.multi) ((out[info.key] as unknown[] | undefined) ?? (out[info.key] = [])).push(v);
    else out[info.key] = v;
  }

  function innerScope(value: Record<string, unknown>, scope: Scope | undefined): Scope | undefined {
    return anyDeferred() ? { values: value, parent: scope } : scope;
  }

  /** The known keys of a value in declaration order; throws on an unknown key. */
  function keysInOrder(value: Record<string, unknown>, skip?: Set<string>): AttrInfo[] {
    const out: AttrInfo[] = [];
    let sorted = true;
    let last = -1;
    for (const k in value) {
      const info = keys.get(k);
      if (!info) throw new NlEncodeError(`unknown attribute "${k}" for ${setName}; known: ${[...keys.keys()].join(', ')}`);
      if (value[k] === undefined || skip?.has(k)) continue;
      const r = info.index;
      if (r < last) sorted = false;
      last = r;
      out.push(info);
    }
    if (!sorted) out.sort((a, b) => a.index - b.index);
    return out;
  }

  /**
   * The attributes to emit: in wire order with their original flag bits for
   * a decoded object (then any added since, in declaration order), in
   * declaration order otherwise. Repeated attributes give one entry per item.
   */
  function entries(value: Record<string, unknown>): Entry[] {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) encodeFail(`attribute set ${setName} expects an object, got ${describe(value)}`);
    const out: Entry[] = [];
    const order: AttrOrder | undefined = attrOrder(value);
    const done = new Set<string>();
    const cursors = new Map<string, number>();
    if (order) {
      const { types, raws, rawValues } = order;
      for (let i = 0; i < types.length; i++) {
        const rtype = types[i]!;
        const info = numbers[rtype & NLA_TYPE_MASK];
        const raw = raws?.[i];
        if (info === undefined) {
          out.push({ rtype, info, value: undefined, raw });
          continue;
        }
        const v = value[info.key];
        if (info.multi) {
          if (!Array.isArray(v)) continue;
          const c = cursors.get(info.key) ?? 0;
          if (c >= v.length) continue;
          cursors.set(info.key, c + 1);
          out.push({ rtype, info, value: v[c], raw: raw !== undefined && rawValues![i] === v[c] ? raw : undefined });
        } else if (raw !== undefined && rawValues![i] === undefined) {
          // A repeat of a non-repeating attribute, kept verbatim while the attribute is.
          if (v !== undefined) out.push({ rtype, info, value: undefined, raw });
        } else if (v !== undefined && !done.has(info.key)) {
          done.add(info.key);
          out.push({ rtype, info, value: v, raw: raw !== undefined && rawValues![i] === v ? raw : undefined });
        }
      }
      // Repeated attributes whose items were all placed are done; the rest continue below.
      for (const [k, c] of cursors) if (c >= (value[k] as unknown[]).length) done.add(k);
    }
    const inner = innerScope(value, undefined);
    for (const info of keysInOrder(value, done)) {
      const v = value[info.key];
      const rtype = info.nla | (nestedFlag(info.codec, inner) ? NLA_F_NESTED : 0);
      if (info.multi) {
        if (!Array.isArray(v)) throw new NlEncodeError(`repeated attribute expects an array, got ${describe(v)}`).within(info.name);
        for (let c = cursors.get(info.key) ?? 0; c < v.length; c++) out.push({ rtype, info, value: v[c], raw: undefined });
      } else {
        out.push({ rtype, info, value: v, raw: undefined });
      }
    }
    return out;
  }

  /**
   * The encoded size of `value`, as {@link encodeSet} computes it. A size
   * does not depend on the order of the attributes: for an object built by
   * hand, one pass over its keys as they come. Should any key or value be
   * wrong, `encodeSet` runs instead, so that the error raised is the one met
   * first in declaration order.
   */
  function sizeSet(value: Record<string, unknown>, scope: Scope | undefined): number {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || attrOrder(value)) return encodeSet(value, scope, null, 0);
    if (specialisedCodecs() && isPlainObject(value)) {
      const c = compiled !== undefined ? compiled : ++encodes > specialisedAfter() ? (compiled = compileSet()) : null;
      if (c !== null) {
        const n = c.size(value, scope);
        if (n >= 0) return n;
      }
    }
    const inner = innerScope(value, scope);
    let n = 0;
    let at = 0;
    let ok = true;
    try {
      for (const k in value) {
        const a = k === seenKeys[at] ? seenEncoders[at]! : encoderAt(k, at);
        at++;
        const v = value[k];
        if (v === undefined) continue;
        if (a.multi) {
          if (!Array.isArray(v)) {
            ok = false;
            break;
          }
          for (let c = 0; c < v.length; c++) n += emit(a.type, a.info, v[c], undefined, inner, null, 0);
          continue;
        }
        const total = NLA_HDRLEN + a.codec.size(v, inner);
        if (total > 0xffff) {
          ok = false;
          break;
        }
        n += (total + 3) & ~3;
      }
    } catch {
      ok = false;
    }
    return ok ? n : encodeSet(value, scope, null, 0);
  }

  /**
   * Sizes (`view` null) or writes the attributes of `value`; returns the
   * bytes they take. One pass serves both so they cannot disagree.
   */
  function encodeSet(value: Record<string, unknown>, scope: Scope | undefined, view: DataView | null, offset: number): number {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) encodeFail(`attribute set ${setName} expects an object, got ${describe(value)}`);
    let pos = offset;
    const order: AttrOrder | undefined = attrOrder(value);
    if (order) {
      const inner = innerScope(value, scope);
      for (const e of entries(value)) pos += emit(e.rtype, e.info, e.value, e.raw, inner, view, pos);
      if (order.tail) {
        if (view) new Uint8Array(view.buffer, view.byteOffset + pos, order.tail.length).set(order.tail);
        pos += order.tail.length;
      }
      return pos - offset;
    }
    if (view !== null && specialisedCodecs() && compiled && isPlainObject(value)) {
      // The specialised encoder sized this value (sizeSet) and writes it the same way.
      const n = compiled.write(value, view, offset, scope);
      if (n >= 0) return n;
    }
    // The specialised encoder makes its own scope: this one only for the paths below.
    const inner = innerScope(value, scope);
    // Fast path for objects built by hand: declaration order, no bookkeeping,
    // the present keys and their values gathered in scratch lists (one per
    // nesting depth). Only the write pass needs the nested flag.
    const list = scratch[scratchDepth] ??= [];
    const vals = scratchValues[scratchDepth] ??= [];
    scratchDepth++;
    let count = 0;
    let cur: AttrEncoder | undefined; // the attribute whose payload is being encoded, for the error path
    try {
      count = presentInOrder(value, list, vals);
      for (let i = 0; i < count; i++) {
        const a = list[i]!;
        const v = vals[i];
        if (a.multi) {
          if (!Array.isArray(v)) throw new NlEncodeError(`repeated attribute expects an array, got ${describe(v)}`).within(a.name);
          const rtype = !a.nestedIn || view === null ? a.type : a.type | (a.codec.nestedIn!(inner) ? NLA_F_NESTED : 0);
          for (let c = 0; c < v.length; c++) pos += emit(rtype, a.info, v[c], undefined, inner, view, pos);
          continue;
        }
        cur = a;
        let n: number;
        if (view === null) {
          n = a.codec.size(v, inner);
        } else {
          const r = a.codec.write(v, view, pos + NLA_HDRLEN, inner);
          n = typeof r === 'number' ? r : a.fixed >= 0 ? a.fixed : a.codec.size(v, inner);
        }
        cur = undefined;
        const total = NLA_HDRLEN + n;
        if (total > 0xffff) throw new NlEncodeError(`attribute of ${total} bytes does not fit the 16-bit nla_len`).within(a.name);
        const padded = (total + 3) & ~3;
        if (view !== null) {
          const type = !a.nestedIn ? a.type : a.type | (a.codec.nestedIn!(inner) ? NLA_F_NESTED : 0);
          view.setUint32(pos, nlattrWord(total, type), HOST_LE);
          for (let j = total; j < padded; j++) view.setUint8(pos + j, 0);
        }
        pos += padded;
      }
    } catch (e) {
      vals.length = 0; // whatever was gathered before the error
      scratchDepth--;
      if (cur !== undefined && e instanceof NlEncodeError) throw e.within(cur.name);
      throw e;
    }
    for (let i = 0; i < count; i++) vals[i] = undefined; // the scratch lists hold no values past the call
    scratchDepth--;
    return pos - offset;
  }

  /** Encoders by attribute index, made on first use (a codec given as a function is resolved then). */
  const encoders: (AttrEncoder | undefined)[] = [];

  function encoderOf(info: AttrInfo): AttrEncoder {
    return (encoders[info.index] ??= attrEncoder(info));
  }

  /**
   * Per position in a value's key order, the key last met there and its
   * attribute. Values of one shape then find every attribute with one
   * comparison; others fall back to {@link encoderAt}.
   */
  const seenKeys: string[] = [];
  const seenEncoders: AttrEncoder[] = [];

  /** The attribute of key `k`, met at position `i` of a value's keys; remembered there. Throws on an unknown key. */
  function encoderAt(k: string, i: number): AttrEncoder {
    const info = keys.get(k);
    if (!info) throw new NlEncodeError(`unknown attribute "${k}" for ${setName}; known: ${[...keys.keys()].join(', ')}`);
    const a = encoderOf(info);
    if (i < SEEN_MAX) {
      seenKeys[i] = k;
      seenEncoders[i] = a;
    }
    return a;
  }

  /** The set's specialised encoder (see compile.ts): undefined until made, null where none can be. */
  let compiled: CompiledSet | null | undefined;
  /** Values sized before the encoder is made. */
  let encodes = 0;

  function compileSet(): CompiledSet | null {
    return compileSetEncoder(infos.map(encoderOf), anyDeferred());
  }
  setEncoderCodes.set(set, (selectorAt) => setEncoderCode(infos.map(encoderOf), anyDeferred(), selectorAt));

  /**
   * The known keys of `value` with a defined value, in declaration order,
   * into `out` and their values into `vals` (from index 0); returns how
   * many. Throws on an unknown key.
   */
  function presentInOrder(value: Record<string, unknown>, out: AttrEncoder[], vals: unknown[]): number {
    let n = 0;
    let at = 0;
    let sorted = true;
    let last = -1;
    for (const k in value) {
      const a = k === seenKeys[at] ? seenEncoders[at]! : encoderAt(k, at);
      at++;
      const v = value[k];
      if (v === undefined) continue;
      if (a.index < last) sorted = false;
      last = a.index;
      out[n] = a;
      vals[n++] = v;
    }
    if (!sorted) {
      // Insertion sort: a handful of attributes.
      for (let i = 1; i < n; i++) {
        const x = out[i]!;
        const xv = vals[i];
        let j = i - 1;
        for (; j >= 0 && out[j]!.index > x.index; j--) {
          out[j + 1] = out[j]!;
          vals[j + 1] = vals[j];
        }
        out[j + 1] = x;
        vals[j + 1] = xv;
      }
    }
    return n;
  }

  return set;
}

/** Key positions an attribute set's encoder remembers (see `seenKeys`); keys past it are looked up each time. */
const SEEN_MAX = 64;

/**
 * How a set's encoder emits one attribute: what it needs of the attribute
 * and its codec, read once, in one shape for every codec.
 */
interface AttrEncoder {
  readonly info: AttrInfo;
  /** Kernel name, for error paths. */
  readonly name: string;
  /** Position in the declaration. */
  readonly index: number;
  readonly multi: boolean;
  /** `nla_type`, with `NLA_F_NESTED` when the codec is always nested. */
  readonly type: number;
  /** Whether the codec is nested depends on the scope (it has `nestedIn`). */
  readonly nestedIn: boolean;
  readonly codec: Codec<any, any>;
  /** The codec's fixed size, or -1. */
  readonly fixed: number;
}

function attrEncoder(info: AttrInfo): AttrEncoder {
  const codec = info.codec;
  return {
    info,
    name: info.name,
    index: info.index,
    multi: info.multi,
    type: info.nla | (!codec.nestedIn && codec.nested === true ? NLA_F_NESTED : 0),
    nestedIn: codec.nestedIn !== undefined,
    codec,
    fixed: codec.fixed ?? -1,
  };
}

/**
 * An attribute set's encoder specialised for values that are plain objects
 * (see compile.ts). Both return -1 where the interpreted encoder must run
 * instead: a key that is no attribute of the set, a repeated attribute, a
 * value a codec refuses, an attribute too long for `nla_len`.
 */
interface CompiledSet {
  size(value: Record<string, unknown>, scope: Scope | undefined): number;
  write(value: Record<string, unknown>, view: DataView, offset: number, scope: Scope | undefined): number;
}

/**
 * Generates a set's {@link CompiledSet}. The value's keys are gathered as
 * the interpreted encoder meets them (`for...in`, so the same keys), each
 * into a local of its attribute by a `switch`; then, for each attribute in
 * declaration order (the interpreted encoder's order for a value built by
 * hand), its `struct nlattr`, payload and padding when present. Integers of
 * this package's codecs are checked and written inline; any other codec is
 * called as the interpreted encoder calls it. Reading keys as they come,
 * rather than a property read per attribute of the set, keeps the cost to
 * the keys present, whatever the shapes of the values met.
 */
function compileSetEncoder(encs: readonly AttrEncoder[], deferred: boolean): CompiledSet | null {
  const code = setEncoderCode(encs, deferred);
  const body = [
    "'use strict';",
    ...code.consts,
    'return {',
    'size(value, scope) {',
    code.declare,
    ...code.gather,
    code.inner,
    'let n = 0, t;',
    'try {',
    ...code.size,
    '} catch { return -1; }',
    'return n;',
    '},',
    'write(value, view, offset, scope) {',
    code.declare,
    ...code.gather,
    code.inner,
    'let pos = offset, n, t;',
    'try {',
    ...code.write,
    '} catch { return -1; }',
    'return pos - offset;',
    '},',
    '};',
  ].join('\n');
  return makeCode<CompiledSet>(['E'], body, [code.args]);
}

/** {@link SetEncoderCode} for a set's encoders (`deferred`: the set has an attribute whose codec needs the scope). */
function setEncoderCode(encs: readonly AttrEncoder[], deferred: boolean, selectorAt?: (selector: string) => string): SetEncoderCode {
  const locals = encs.map((_, i) => `v${i}`);
  const gather = [
    'for (const k in value) {',
    'switch (k) {',
    ...encs.map((a, i) => `case ${JSON.stringify(a.info.key)}: ${a.multi ? 'if (value[k] !== undefined) return -1;' : `${locals[i]} = value[k];`} break;`),
    'default: return -1;',
    '}',
    '}',
  ];
  const inner = deferred ? 'const inner = { values: value, parent: scope };' : 'const inner = scope;';
  const size: string[] = [];
  const write: string[] = [];
  const variants: string[] = [];
  encs.forEach((a, i) => {
    if (a.multi) return;
    const v = locals[i]!;
    const c = `c${i}`;
    const layout = intLayout(a.codec);
    if (layout.width !== 0 && !a.nestedIn) {
      const w = layout.width;
      const sh = layout.shift;
      const ok = layout.signed ? `((${v} << ${sh}) >> ${sh}) === ${v}` : `((${v} << ${sh}) >>> ${sh}) === ${v}`;
      size.push(`if (${v} !== undefined) { if (typeof ${v} !== 'number' || !(${ok})) return -1; n += 8; }`);
      const store = w === 4
        ? `view.setUint32(pos + 4, ${v}, ${layout.little});`
        : w === 2
          ? `view.setUint16(pos + 4, ${v}, ${layout.little}); view.setUint16(pos + 6, 0);`
          : `view.setUint8(pos + 4, ${v}); view.setUint8(pos + 5, 0); view.setUint16(pos + 6, 0);`;
      write.push(`if (${v} !== undefined) { view.setUint32(pos, ${nlattrWord(NLA_HDRLEN + w, a.type)}, ${HOST_LE}); ${store} pos += 8; }`);
      return;
    }
    const variantCode = selectorAt === undefined ? undefined : variantCodes.get(a.codec);
    if (variantCode !== undefined) {
      // A kind-dependent payload whose selector the caller knows where to find: its case picked without a walk up the scope.
      const w = `w${i}`;
      const pick = `p = ${w}.pick(${selectorAt!(variantCode.selector)});`;
      size.push(`if (${v} !== undefined) { ${pick} t = ${NLA_HDRLEN} + ${w}.size(p, ${v}, inner); if (t > 65535) return -1; n += (t + 3) & ~3; }`);
      const type = `(${a.type} | (p.nested === true ? ${NLA_F_NESTED} : 0))`;
      const word = HOST_LE ? `((${type} << 16) | t) >>> 0` : `((t << 16) | ${type}) >>> 0`;
      write.push(
        `if (${v} !== undefined) {`,
        `  ${pick}`,
        `  t = ${w}.write(p, ${v}, view, pos + ${NLA_HDRLEN}, inner);`,
        `  t = ${NLA_HDRLEN} + (typeof t === 'number' ? t : ${w}.size(p, ${v}, inner));`,
        '  if (t > 65535) return -1;',
        `  view.setUint32(pos, ${word}, ${HOST_LE});`,
        '  for (n = t; (n & 3) !== 0; n++) view.setUint8(pos + n, 0);',
        '  pos += (t + 3) & ~3;',
        '}',
      );
      variants.push(`const ${w} = VARIANT.get(c${i});`);
      return;
    }
    size.push(`if (${v} !== undefined) { t = ${NLA_HDRLEN} + ${c}.size(${v}, inner); if (t > 65535) return -1; n += (t + 3) & ~3; }`);
    const type = a.nestedIn ? `(${a.type} | (${c}.nestedIn(inner) ? ${NLA_F_NESTED} : 0))` : String(a.type);
    const word = HOST_LE ? `((${type} << 16) | t) >>> 0` : `((t << 16) | ${type}) >>> 0`;
    write.push(
      `if (${v} !== undefined) {`,
      `  t = ${c}.write(${v}, view, pos + ${NLA_HDRLEN}, inner);`,
      `  t = ${NLA_HDRLEN} + (typeof t === 'number' ? t : ${a.fixed >= 0 ? a.fixed : `${c}.size(${v}, inner)`});`,
      '  if (t > 65535) return -1;',
      `  view.setUint32(pos, ${word}, ${HOST_LE});`,
      '  for (n = t; (n & 3) !== 0; n++) view.setUint8(pos + n, 0);',
      '  pos += (t + 3) & ~3;',
      '}',
    );
  });
  return {
    args: encs,
    consts: [...encs.map((_, i) => `const c${i} = E[${i}].codec;`), ...variants],
    declare: `let ${[...locals, 'p'].join(', ')};`,
    gather,
    inner,
    deferred,
    size,
    write,
  };
}

/**
 * An attribute set's decoder specialised by compile.ts: fills `out`,
 * `order` and `types` (where the set gathers this value's wire order) from
 * the attributes in `offset`..`end` and returns how many there were; -1
 * where the interpreted decoder must run instead (a malformed attribute, a
 * codec that threw), which then raises the error.
 */
type CompiledDecoder = (view: DataView, offset: number, end: number, out: Record<string, unknown>, order: AttrOrder, types: number[], inner: Scope | undefined) => number;

/**
 * Generates a set's {@link CompiledDecoder}: the interpreted decoder's two
 * walks (attributes whose codec needs the scope are read in the second),
 * with a `switch` on the attribute number in place of the lookup in the
 * set's table, the value stored under its key by name, and integers of this
 * package's codecs read inline when the payload has their width.
 */
function compileSetDecoder(
  attrs: readonly { info: AttrInfo; codec: Codec<any, any> }[],
  keep: (order: AttrOrder, idx: number, bytes: Uint8Array, value: unknown) => void,
  copy: (view: DataView, offset: number, length: number) => Uint8Array,
): CompiledDecoder | null {
  if (attrs.some((a) => a.info.key === '__proto__')) return null;
  const H = NLA_HDRLEN;
  const raw = (idx: string): string => `keep(order, ${idx}, copy(view, pos + ${H}, alen - ${H}), undefined);`;
  /** Reads attribute `i` at `pos` (its index in `types` is `idx`) and stores it, as `readOne` does. */
  const read = (i: number, idx: string): string => {
    const { info, codec } = attrs[i]!;
    const key = `out${access(info.key)}`;
    const pick = codec.swapped ? `c = (rtype & ${NLA_F_NET_BYTEORDER}) !== 0 ? s${i} : c${i};` : `c = c${i};`;
    const lossy = codec.lossy || codec.swapped?.lossy ? `if (c.lossy && !c.exact(view, pos + ${H}, alen - ${H}, v)) keep(order, ${idx}, copy(view, pos + ${H}, alen - ${H}), v);` : '';
    const store = info.multi ? `(${key} ?? (${key} = [])).push(v);` : `${key} = v;`;
    return `${pick} v = c.read(view, pos + ${H}, alen - ${H}, inner); ${lossy} ${store}`;
  };
  const first: string[] = [];
  const second: string[] = [];
  attrs.forEach(({ info, codec }, i) => {
    if (codec.needsScope) {
      first.push(`case ${info.nla}: deferred = true; break;`);
      second.push(`case ${info.nla}: ${read(i, 'i')} break;`);
      return;
    }
    if (info.multi) {
      first.push(`case ${info.nla}: ${read(i, 'idx')} break;`);
      return;
    }
    const key = `out${access(info.key)}`;
    const layout = intLayout(codec);
    const w = layout.width;
    const fast = w !== 0 && !codec.lossy
      ? `if (alen === ${H + w}${codec.swapped ? ` && (rtype & ${NLA_F_NET_BYTEORDER}) === 0` : ''}) ${key} = view.get${layout.signed ? 'Int' : 'Uint'}${w * 8}(pos + ${H}${w === 1 ? '' : `, ${layout.little}`}); else { ${read(i, 'idx')} }`
      : read(i, 'idx');
    first.push(`case ${info.nla}: if (${key} !== undefined) ${raw('idx')} else { ${fast} } break;`);
  });
  const body = [
    "'use strict';",
    ...attrs.map((a, i) => `const c${i} = A[${i}].codec;${a.codec.swapped ? ` const s${i} = c${i}.swapped;` : ''}`),
    'return function decode(view, offset, end, out, order, types, inner) {',
    'let pos = offset, idx = 0, deferred = false, alen, rtype, v, c;',
    'try {',
    `while (end - pos >= ${H}) {`,
    `alen = view.getUint16(pos, ${HOST_LE});`,
    `rtype = view.getUint16(pos + 2, ${HOST_LE});`,
    `if (alen < ${H} || alen > end - pos) return -1;`,
    'types[idx] = rtype;',
    `switch (rtype & ${NLA_TYPE_MASK}) {`,
    ...first,
    `default: ${raw('idx')}`,
    '}',
    'idx++;',
    'pos += (alen + 3) & ~3;',
    '}',
    'if (pos < end) order.tail = copy(view, pos, end - pos);',
    'if (deferred) {',
    'pos = offset;',
    'for (let i = 0; i < idx; i++) {',
    `alen = view.getUint16(pos, ${HOST_LE});`,
    'rtype = types[i];',
    `switch (rtype & ${NLA_TYPE_MASK}) {`,
    ...second,
    '}',
    'pos += (alen + 3) & ~3;',
    '}',
    '}',
    '} catch { return -1; }',
    'return idx;',
    '};',
  ].join('\n');
  return makeCode<CompiledDecoder>(['A', 'keep', 'copy'], body, [attrs, keep, copy]);
}

/** Scratch lists of {@link AttrSet} encoders, one per depth of nested sets being encoded: the attributes present, and their values. */
const scratch: AttrEncoder[][] = [];
const scratchValues: unknown[][] = [];
let scratchDepth = 0;

/** One attribute to emit. */
interface Entry {
  rtype: number;
  info: AttrInfo | undefined;
  value: unknown;
  /** Bytes to emit verbatim instead of encoding `value`. */
  raw: Uint8Array | undefined;
}

function nestedFlag(codec: Codec<any, any>, scope: Scope | undefined): boolean {
  return codec.nestedIn ? codec.nestedIn(scope) : codec.nested === true;
}

/** Sizes or writes one attribute (header, payload, padding); returns its aligned length. */
function emit(rtype: number, info: AttrInfo | undefined, value: unknown, raw: Uint8Array | undefined, scope: Scope | undefined, view: DataView | null, pos: number): number {
  let n: number;
  if (raw !== undefined) {
    n = raw.length;
    if (view) new Uint8Array(view.buffer, view.byteOffset + pos + NLA_HDRLEN, n).set(raw);
  } else {
    const base = info!.codec;
    const codec = rtype & NLA_F_NET_BYTEORDER && base.swapped ? base.swapped : base;
    try {
      if (view === null) {
        n = codec.size(value, scope);
      } else {
        const r = codec.write(value, view, pos + NLA_HDRLEN, scope);
        n = typeof r === 'number' ? r : codec.fixed ?? codec.size(value, scope);
      }
    } catch (e) {
      if (e instanceof NlEncodeError) throw e.within(info!.name);
      throw e;
    }
  }
  const total = NLA_HDRLEN + n;
  if (total > 0xffff) throw new NlEncodeError(`attribute of ${total} bytes does not fit the 16-bit nla_len`).within(info?.name ?? `type ${rtype & NLA_TYPE_MASK}`);
  const padded = (total + 3) & ~3;
  if (view) {
    view.setUint16(pos, total, HOST_LE);
    view.setUint16(pos + 2, rtype, HOST_LE);
    for (let i = total; i < padded; i++) view.setUint8(pos + i, 0);
  }
  return padded;
}

/** `struct nlattr` (`nla_len`, then `nla_type`) as one 32-bit word in host byte order: one store instead of two. */
function nlattrWord(len: number, type: number): number {
  return (HOST_LE ? (type << 16) | len : (len << 16) | type) >>> 0;
}

function keepRaw(order: AttrOrder, idx: number, bytes: Uint8Array, value: unknown): void {
  (order.raws ??= [])[idx] = bytes;
  (order.rawValues ??= [])[idx] = value;
}

/** The attributes of a decoded set that its schema did not know, in wire order. */
export function unknownAttrs(value: object, set: AttrSet<any>): UnknownAttr[] {
  const order: AttrOrder | undefined = attrOrder(value);
  if (!order?.raws) return [];
  const out: UnknownAttr[] = [];
  order.types.forEach((rtype, i) => {
    const bytes = order.raws![i];
    if (bytes && !set.byNumber(rtype & NLA_TYPE_MASK)) out.push({ type: rtype & NLA_TYPE_MASK, flags: rtype & ~NLA_TYPE_MASK, data: bytes });
  });
  return out;
}

// ---------------------------------------------------------------------------
// Composite codecs

/** A nested attribute set as an attribute's payload (`IFLA_LINKINFO`). */
export interface NestCodec<D extends Record<string, AttrDef>> extends Codec<AttrValues<D>, AttrInput<D>> {
  /** Always `"nest"`. */
  readonly kind: 'nest';
  /** The attribute set of the payload. */
  readonly set: AttrSet<D>;
}

/** The payload is the attribute set `set`. Encoders set `NLA_F_NESTED`. */
export function nest<D extends Record<string, AttrDef>>(set: AttrSet<D>): NestCodec<D> {
  return {
    kind: 'nest',
    nested: true,
    set,
    info: { set },
    size: (v, scope) => set.size(v, scope),
    write: (v, view, offset, scope) => set.write(v, view, offset, scope),
    read: (view, offset, length, scope) => set.decode(view, offset, length, scope),
    json: (v, scope) => set.json(v, scope),
  };
}

/** Hidden on arrays decoded from indexed arrays: the entry types as received. */
const INDEX_ORDER: unique symbol = Symbol('nlkit.indexOrder');

/**
 * ynl `indexed-array`: a nest whose entries are numbered 1, 2, … (or from
 * `base`) and all hold the same kind of value. Decoded as an array.
 */
export function indexedArray<C extends Codec<any, any>>(item: C, opts: { base?: number } = {}): Codec<Decoded<C>[], Input<C>[]> {
  const base = opts.base ?? 1;
  const flags = item.nested ? NLA_F_NESTED : 0;
  const typeAt = (arr: unknown[], i: number): number => ((arr as any)[INDEX_ORDER] as number[] | undefined)?.[i] ?? (base + i) | flags;
  return {
    kind: 'indexed-array',
    nested: true,
    info: { item, base },
    size(value, scope) {
      if (!Array.isArray(value)) encodeFail(`indexed array expects an array, got ${describe(value)}`);
      let n = 0;
      value.forEach((v, i) => {
        try {
          n += align4(NLA_HDRLEN + item.size(v, scope));
        } catch (e) {
          if (e instanceof NlEncodeError) throw e.within(`[${i}]`);
          throw e;
        }
      });
      return n;
    },
    write(value, view, offset, scope) {
      let pos = offset;
      value.forEach((v, i) => {
        const n = item.size(v, scope);
        view.setUint16(pos, NLA_HDRLEN + n, HOST_LE);
        view.setUint16(pos + 2, typeAt(value, i), HOST_LE);
        item.write(v, view, pos + NLA_HDRLEN, scope);
        for (let j = NLA_HDRLEN + n; j < align4(NLA_HDRLEN + n); j++) view.setUint8(pos + j, 0);
        pos += align4(NLA_HDRLEN + n);
      });
    },
    read(view, offset, length, scope) {
      const out: Decoded<C>[] = [];
      const types: number[] = [];
      let canonical = true;
      const end = offset + length;
      let pos = offset;
      while (end - pos >= NLA_HDRLEN) {
        const alen = view.getUint16(pos, HOST_LE);
        const rtype = view.getUint16(pos + 2, HOST_LE);
        if (alen < NLA_HDRLEN || alen > end - pos) throw new NlDecodeError(`array entry length ${alen} is out of bounds (${end - pos} bytes left)`, pos);
        try {
          out.push(item.read(view, pos + NLA_HDRLEN, alen - NLA_HDRLEN, scope));
        } catch (e) {
          if (e instanceof NlDecodeError) throw e.within(`[${out.length}]`);
          throw e;
        }
        if (rtype !== ((base + types.length) | flags)) canonical = false;
        types.push(rtype);
        pos += align4(alen);
      }
      if (pos < end) throw new NlDecodeError(`${end - pos} stray bytes after the last array entry`, pos);
      if (!canonical) Object.defineProperty(out, INDEX_ORDER, { value: types, enumerable: false });
      return out;
    },
    json: (v, scope) => v.map((x) => item.json(x, scope)),
  };
}

/** The cases of a {@link variant}: payload codecs keyed by the selector's value. */
export type VariantCases = Record<string, Codec<any, any>>;

/** The decoded value of a variant: one of its cases, or the raw bytes. */
export type VariantValue<M extends VariantCases> = Decoded<M[keyof M]> | Uint8Array;

/**
 * A kind-dependent payload (`IFLA_INFO_DATA` keyed by `IFLA_INFO_KIND`,
 * `TCA_OPTIONS` keyed by `TCA_KIND`): the codec is chosen by the value of
 * `selector`, a sibling attribute (or a field of the enclosing scope). An
 * unknown selector decodes as bytes with `fallback`.
 *
 * The cases are passed in, not registered globally: a family builds its
 * variant from the kinds it knows, and a user can build a wider one.
 */
export function variant<const M extends VariantCases>(selector: string, cases: M, fallback: Codec<Uint8Array> = rawCodec): Codec<VariantValue<M>> {
  // The cases by selector value, read once: small integers (`AF_*`) index an array, other keys a map.
  const byNumber: (Codec<any, any> | undefined)[] = [];
  const byName = new Map<string, Codec<any, any>>();
  for (const k of Object.keys(cases)) {
    const n = Number(k);
    if (Number.isInteger(n) && n >= 0 && n < 1024 && String(n) === k) byNumber[n] = cases[k];
    byName.set(k, cases[k]!);
  }
  // Encoders ask every attribute whether it is nested: when no case is, the answer needs no lookup.
  const mayNest = fallback.nested === true || Object.values(cases).some((c) => c.nested === true);
  // Bytes given for a case that is not bytes itself are written as they are.
  const asBytes = (c: Codec<any, any>, value: unknown): value is Uint8Array => value instanceof Uint8Array && c !== fallback && c.kind !== 'binary';
  const by: VariantCode = {
    selector,
    mayNest,
    pick(key) {
      if (typeof key === 'number' && key >= 0 && key < 1024 && Number.isInteger(key)) return byNumber[key] ?? fallback;
      return typeof key === 'string' || typeof key === 'number' ? byName.get(String(key)) ?? fallback : fallback;
    },
    size: (c, value, scope) => (asBytes(c, value) ? value.length : c.size(value, scope)),
    write(c, value, view, offset, scope) {
      if (asBytes(c, value)) {
        new Uint8Array(view.buffer, view.byteOffset + offset, value.length).set(value);
        return value.length;
      }
      return c.write(value, view, offset, scope);
    },
  };
  const pick = (scope: Scope | undefined): Codec<any, any> => by.pick(lookupScope(scope, selector));
  const codec: Codec<VariantValue<M>> = {
    kind: 'sub-message',
    needsScope: true,
    nestedIn: mayNest ? (scope) => pick(scope).nested === true : () => false,
    info: { selector, cases, fallback },
    size: (value, scope) => by.size(pick(scope), value, scope),
    write: (value, view, offset, scope) => by.write(pick(scope), value, view, offset, scope),
    read(view, offset, length, scope) {
      return pick(scope).read(view, offset, length, scope);
    },
    json(value, scope) {
      const c = pick(scope);
      return value instanceof Uint8Array && c.kind !== 'binary' ? toHex(value) : c.json(value, scope);
    },
  };
  variantCodes.set(codec, by);
  return codec;
}
