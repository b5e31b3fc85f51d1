/**
 * Payload shapes tc uses that the core combinators do not cover: arrays of
 * fixed-size items filling an attribute, a C struct followed by attributes
 * (`TCA_OPTIONS` of netem and mqprio), and structs ending in a counted array
 * (`struct tc_u32_sel`, `struct tc_pedit_sel`).
 *
 * Each carries `info.arbitrary` so property tests generate valid values: the
 * generators draw random bytes of a valid layout and decode them, which gives
 * values in their canonical decoded form without depending on fast-check here.
 */
import {
  HOST_LE, NLA_HDRLEN, NlDecodeError, align4, bytesEqual, describe, encodeFail, toHex, viewOf,
  type AttrInput, type AttrSet, type AttrValues, type Codec, type Decoded, type Input, type Json,
  type StructCodec, type StructInput, type StructValue,
} from '@nlkit/core';

/** The slice of fast-check the generators use (passed in by `@nlkit/core/arbitrary`). */
interface Fc {
  uint8Array(c: { minLength: number; maxLength: number }): Arb<Uint8Array>;
  integer(c: { min: number; max: number }): Arb<number>;
  subarray<T>(items: T[]): Arb<T[]>;
  tuple<T extends unknown[]>(...arbs: { [K in keyof T]: Arb<T[K]> }): Arb<T>;
  constant<T>(v: T): Arb<T>;
}
interface Arb<T> {
  map<U>(f: (v: T) => U): Arb<U>;
  chain<U>(f: (v: T) => Arb<U>): Arb<U>;
}

/** Random bytes of `n`, decoded by `codec`. */
function fromBytes<T>(fc: Fc, codec: Codec<T, any>, n: number): Arb<T> {
  return fc.uint8Array({ minLength: n, maxLength: n }).map((b) => codec.read(viewOf(b), 0, n, undefined));
}

/**
 * Valid values of an attribute set built from its fixed-size attributes
 * (integers, flags, structs): random payloads framed as attributes and decoded.
 */
function attrsFromBytes(fc: Fc, set: AttrSet<any>): Arb<Record<string, unknown>> {
  const fixed = set.attrs.filter((a) => a.codec.fixed !== undefined && !a.multi && !a.codec.nested);
  return fc.subarray(fixed).chain((chosen) =>
    (chosen.length ? fc.tuple(...chosen.map((a) => fc.uint8Array({ minLength: a.codec.fixed!, maxLength: a.codec.fixed! }))) : fc.constant([] as Uint8Array[])).map((payloads) => {
      const total = payloads.reduce((n, p) => n + align4(NLA_HDRLEN + p.length), 0);
      const buf = new Uint8Array(total);
      const view = viewOf(buf);
      let pos = 0;
      payloads.forEach((p, i) => {
        view.setUint16(pos, NLA_HDRLEN + p.length, HOST_LE);
        view.setUint16(pos + 2, chosen[i]!.nla, HOST_LE);
        buf.set(p, pos + NLA_HDRLEN);
        pos += align4(NLA_HDRLEN + p.length);
      });
      return set.decode(view, 0, total) as Record<string, unknown>;
    }),
  );
}

/** Options for {@link arrayOf}. */
export interface ArrayOptions {
  /** Most items (for generated values); the decoder takes whatever fills the payload. */
  max?: number;
}

/**
 * An attribute payload that is nothing but fixed-size items back to back
 * (`TCA_HTB_RTAB`: `__u32[256]`, `TCA_NETEM_DELAY_DIST`: `__s16[]`,
 * `TCA_GRED_PARMS`: `struct tc_gred_qopt[]`). Decoded as an array.
 */
export function arrayOf<C extends Codec<any, any>>(item: C, opts: ArrayOptions = {}): Codec<Decoded<C>[], Input<C>[]> {
  const each = item.fixed;
  if (each === undefined || each === 0) throw new TypeError('arrayOf needs a fixed-size item');
  const max = opts.max ?? 8;
  const codec: Codec<Decoded<C>[], Input<C>[]> = {
    kind: 'custom',
    info: {
      each: item,
      arbitrary: (fc: Fc) => fc.integer({ min: 0, max }).chain((n) => fromBytes(fc, codec, n * each)),
    },
    size(value, scope) {
      if (!Array.isArray(value)) encodeFail(`array expects an array, got ${describe(value)}`);
      for (const v of value) item.size(v, scope);
      return value.length * each;
    },
    write(value, view, offset, scope) {
      value.forEach((v, i) => item.write(v, view, offset + i * each, scope));
    },
    read(view, offset, length) {
      if (length % each !== 0) throw new NlDecodeError(`${length} bytes is not a whole number of ${each}-byte items`, offset);
      const out: Decoded<C>[] = [];
      for (let p = 0; p < length; p += each) out.push(item.read(view, offset + p, each, undefined));
      return out;
    },
    json: (v) => v.map((x) => item.json(x)),
  };
  return codec;
}

/** A struct followed by attributes: the decoded value of {@link withHeader}. */
export interface HeaderAndAttrs<H, A> {
  /** The leading C struct. */
  header: H;
  /** The attributes after it, from the next 4-byte boundary. */
  attrs: A;
}

/**
 * A payload made of a C struct and then attributes (`TCA_OPTIONS` of netem:
 * `struct tc_netem_qopt` then `TCA_NETEM_*`; of mqprio: `struct tc_mqprio_qopt`
 * then `TCA_MQPRIO_*`). The attributes start at the struct's size rounded up
 * to 4, as `tc` writes them and the kernel reads them. Not flagged nested.
 */
export function withHeader<F, D extends Record<string, any>>(
  header: StructCodec<F>,
  set: AttrSet<D>,
): Codec<HeaderAndAttrs<StructValue<F>, AttrValues<D>>, {
  /** The leading C struct's fields; missing ones are zero. */
  header?: StructInput<F>;
  /** The attributes after it. */
  attrs?: AttrInput<D>;
}> {
  const hsize = header.fixed;
  const start = align4(hsize);
  const codec: Codec<HeaderAndAttrs<StructValue<F>, AttrValues<D>>, { header?: StructInput<F>; attrs?: AttrInput<D> }> = {
    kind: 'custom',
    info: {
      header,
      set,
      arbitrary: (fc: Fc) => fc.tuple(fromBytes(fc, header, hsize), attrsFromBytes(fc, set)).map(([h, a]) => ({ header: h, attrs: a })),
    },
    size(value, scope) {
      if (typeof value !== 'object' || value === null) encodeFail(`expected {header, attrs}, got ${describe(value)}`);
      header.size(value.header ?? {}, scope);
      const a = value.attrs ? set.size(value.attrs, scope) : 0;
      return a ? start + a : hsize;
    },
    write(value, view, offset, scope) {
      header.write(value.header ?? {}, view, offset, scope);
      if (!value.attrs) return;
      const n = set.size(value.attrs, scope);
      if (!n) return;
      for (let i = hsize; i < start; i++) view.setUint8(offset + i, 0);
      set.write(value.attrs, view, offset + start, scope);
    },
    read(view, offset, length, scope) {
      const h = header.read(view, offset, Math.min(length, hsize), scope);
      const attrsValue = length > start ? set.decode(view, offset + start, length - start, scope) : ({} as AttrValues<D>);
      return { header: h, attrs: attrsValue };
    },
    lossy: true,
    exact(view, offset, length, value) {
      if (length < hsize) return false;
      return bytesEqual(reencode(codec, value), new Uint8Array(view.buffer, view.byteOffset + offset, length));
    },
    json: (v, scope) => ({ header: header.json(v.header), attrs: set.json(v.attrs, scope) }),
  };
  return codec;
}

function reencode<T>(codec: Codec<T, any>, value: T): Uint8Array {
  const out = new Uint8Array(codec.size(value, undefined));
  codec.write(value, viewOf(out), 0, undefined);
  return out;
}

/**
 * A struct whose last member is a counted array (`struct tc_u32_sel` with
 * `nkeys` keys, `struct tc_pedit_sel`), or an uncounted one that fills the
 * payload (`struct tc_u32_pcnt`'s `kcnts`). The count field is not part of
 * the value: encode writes the array's length there.
 */
export function flexStruct<F, K extends string, C extends Codec<any, any>, N extends keyof StructValue<F> & string = never>(
  head: StructCodec<F>,
  arrayKey: K,
  item: C,
  countKey?: N,
): Codec<Omit<StructValue<F>, N> & { [P in K]: Decoded<C>[] }, Omit<StructInput<F>, N> & { [P in K]?: Input<C>[] }> {
  const hsize = head.fixed;
  const each = item.fixed!;
  const countField = countKey === undefined ? undefined : head.fields.find((f) => f.key === countKey);
  if (countKey !== undefined && !countField) throw new TypeError(`${head.name} has no field ${countKey}`);
  type Out = Omit<StructValue<F>, N> & { [P in K]: Decoded<C>[] };
  const split = (value: Record<string, unknown>): { h: Record<string, unknown>; items: unknown[] } => {
    const { [arrayKey]: items, ...h } = value;
    if (items !== undefined && !Array.isArray(items)) encodeFail(`${head.name}.${arrayKey} expects an array, got ${describe(items)}`);
    if (countKey !== undefined && countKey in h) encodeFail(`${head.name}.${countKey} is written from ${arrayKey}.length; leave it out`);
    return { h, items: (items as unknown[] | undefined) ?? [] };
  };
  const codec: Codec<Out, any> = {
    kind: 'custom',
    info: {
      struct: head,
      each: item,
      arbitrary: (fc: Fc) =>
        fc.integer({ min: 0, max: 4 }).chain((n) =>
          fc.uint8Array({ minLength: hsize + n * each, maxLength: hsize + n * each }).map((b) => {
            if (countField) countField.codec.write(n, viewOf(b), countField.offset, undefined);
            return codec.read(viewOf(b), 0, b.length, undefined);
          }),
        ),
    },
    size(value, scope) {
      if (typeof value !== 'object' || value === null) encodeFail(`struct ${head.name} expects an object, got ${describe(value)}`);
      const { h, items } = split(value);
      head.size(h as StructInput<F>, scope);
      if (countField && items.length > 2 ** (8 * countField.size) - 1) encodeFail(`${head.name}: ${items.length} ${arrayKey} do not fit ${countField.cname}`);
      for (const v of items) item.size(v, scope);
      return hsize + items.length * each;
    },
    write(value, view, offset, scope) {
      const { h, items } = split(value);
      const withCount = countKey === undefined ? h : { ...h, [countKey]: items.length };
      head.write(withCount as StructInput<F>, view, offset, scope);
      items.forEach((v, i) => item.write(v, view, offset + hsize + i * each, scope));
    },
    read(view, offset, length, scope) {
      if (length < hsize) throw new NlDecodeError(`struct ${head.name} needs ${hsize} bytes, got ${length}`, offset);
      const h = head.read(view, offset, hsize, scope) as Record<string, unknown>;
      const room = Math.floor((length - hsize) / each);
      const n = countKey === undefined ? room : Math.min(room, h[countKey] as number);
      const items: unknown[] = [];
      for (let i = 0; i < n; i++) items.push(item.read(view, offset + hsize + i * each, each, scope));
      if (countKey !== undefined) delete h[countKey];
      return { ...h, [arrayKey]: items } as Out;
    },
    lossy: true,
    exact: (view, offset, length, value) => bytesEqual(reencode(codec, value), new Uint8Array(view.buffer, view.byteOffset + offset, length)),
    json(value) {
      const { h, items } = split(value as Record<string, unknown>);
      const o = head.json({ ...h, ...(countKey === undefined ? {} : { [countKey]: items.length }) } as StructValue<F>) as Record<string, Json>;
      o[arrayKey] = items.map((x) => item.json(x));
      return o;
    },
  };
  return codec;
}

/**
 * An entry of a list whose payload is a fixed header and then bytes whose
 * meaning the header tells (`struct tcf_ematch_hdr` + match data).
 */
export function headerThenBytes<F>(head: StructCodec<F>): Codec<StructValue<F> & {
  /** The bytes after the header, up to the end of the payload. */
  data: Uint8Array;
}, StructInput<F> & {
  /** The bytes after the header; none when omitted. */
  data?: Uint8Array;
}> {
  const hsize = head.fixed;
  type Out = StructValue<F> & { data: Uint8Array };
  const codec: Codec<Out, StructInput<F> & { data?: Uint8Array }> = {
    kind: 'custom',
    info: {
      struct: head,
      arbitrary: (fc: Fc) => fc.integer({ min: 0, max: 16 }).chain((n) => fromBytes(fc, codec as Codec<Out>, hsize + n)),
    },
    size(value, scope) {
      if (typeof value !== 'object' || value === null) encodeFail(`struct ${head.name} expects an object, got ${describe(value)}`);
      const { data, ...h } = value as Record<string, unknown>;
      if (data !== undefined && !(data instanceof Uint8Array)) encodeFail(`data expects a Uint8Array, got ${describe(data)}`);
      head.size(h as StructInput<F>, scope);
      return hsize + ((data as Uint8Array | undefined)?.length ?? 0);
    },
    write(value, view, offset, scope) {
      const { data, ...h } = value as Record<string, unknown>;
      head.write(h as StructInput<F>, view, offset, scope);
      if (data) new Uint8Array(view.buffer, view.byteOffset + offset + hsize, (data as Uint8Array).length).set(data as Uint8Array);
    },
    read(view, offset, length, scope) {
      if (length < hsize) throw new NlDecodeError(`struct ${head.name} needs ${hsize} bytes, got ${length}`, offset);
      const h = head.read(view, offset, hsize, scope);
      return { ...h, data: new Uint8Array(view.buffer.slice(view.byteOffset + offset + hsize, view.byteOffset + offset + length)) } as Out;
    },
    json: (v) => {
      const { data, ...h } = v as Record<string, unknown>;
      return { ...(head.json(h as StructValue<F>) as Record<string, Json>), data: toHex(data as Uint8Array) };
    },
  };
  return codec;
}
