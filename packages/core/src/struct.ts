import { HOST_LE, copyBytes, toHex } from './bytes.js';
import { describe, encodeFail, type Codec, type Decoded, type Input, type Json, type Scope } from './codec.js';
import { NlDecodeError, NlEncodeError } from './errors.js';
import { intLayout } from './ints.js';
import { makeCode, specialisedAfter, specialisedCodecs, structEncoderCodes, type StructEncoderCode } from './compile.js';

/** `camelCase` → `snake_case`, the C spelling of a friendly name. */
export function snake(key: string): string {
  return key.replace(/[A-Z]/g, (m) => '_' + m.toLowerCase());
}

/**
 * Hidden on a decoded struct whose payload was not exactly the struct's size:
 * the bytes past its known fields (a struct the kernel has grown), or the
 * shorter length it had (an older kernel's). Encode re-emits either as found.
 */
export const STRUCT_EXTENT: unique symbol = Symbol('nlkit.structExtent');

interface Extent {
  /** Length of the payload when shorter than the struct. */
  short?: number;
  /** For a short payload: the bytes of a field it holds only part of, and where they start. */
  partial?: Uint8Array;
  partialAt?: number;
  /** Bytes beyond the known fields. */
  tail?: Uint8Array;
}

/** Padding bytes inside a struct: written as zeros, absent from values. */
export interface PadCodec extends Codec<undefined, undefined> {
  /** Always `"pad"`. */
  readonly kind: 'pad';
  /** Number of padding bytes. */
  readonly fixed: number;
}

/** Key positions a struct's encoder remembers (see `seenKeys`); keys past it are looked up each time. */
const SEEN_MAX = 64;

/** `n` bytes of padding (`__u8 __pad[n]`). */
export function pad(n: number): PadCodec {
  return {
    kind: 'pad',
    fixed: n,
    size: () => n,
    write(_v, view, offset) {
      for (let i = 0; i < n; i++) view.setUint8(offset + i, 0);
    },
    read: () => undefined,
    json: () => null,
  };
}

/** A struct field: a fixed-size codec, with the C member name when it is not `prefix + snake(key)`. */
export type FieldSpec = Codec<any, any> | {
  /** The field's codec; it must have a fixed size. */
  readonly codec: Codec<any, any>;
  /** The C member name (`ifi_index`), used in paths, errors and the raw JSON form. */
  readonly c: string;
};

type FieldCodec<S> = S extends { codec: infer C } ? C : S;
type ValueKeys<F> = { [K in keyof F]: FieldCodec<F[K]> extends PadCodec ? never : K }[keyof F];

/** The decoded value of a struct with fields `F`. */
export type StructValue<F> = { [K in ValueKeys<F>]: Decoded<FieldCodec<F[K]>> };
/** What encode accepts for a struct with fields `F`: every field optional (missing ones are zero). */
export type StructInput<F> = { [K in ValueKeys<F>]?: Input<FieldCodec<F[K]>> };

/** One member of a struct, for introspection. */
export interface StructField {
  /** Friendly name (`index`). */
  readonly key: string;
  /** C member name (`ifi_index`). */
  readonly cname: string;
  /** The member's codec (fixed-size). */
  readonly codec: Codec<any, any>;
  /** Byte offset of the member in the struct. */
  readonly offset: number;
  /** Size of the member in bytes. */
  readonly size: number;
}

/** A fixed-size C struct (`struct ifinfomsg`). */
export interface StructCodec<F = Record<string, FieldSpec>> extends Codec<StructValue<F>, StructInput<F>> {
  /** Always `"struct"`. */
  readonly kind: 'struct';
  /** The struct's size in bytes (`sizeof`), the sum of its members' sizes. */
  readonly fixed: number;
  /** The C type name (`ifinfomsg`). */
  readonly name: string;
  /** Every member in layout order, padding included. */
  readonly fields: readonly StructField[];
}

/**
 * Declares a C struct. Fields are laid out in order with no implicit padding:
 * declare padding with {@link pad}, as the kernel header has it.
 *
 * ```ts
 * const ifinfomsg = struct('ifinfomsg', 'ifi_', {
 *   family: u8, _pad: pad(1), type: u16, index: s32, flags: u32, change: u32,
 * });
 * ```
 */
export function struct<const F extends Record<string, FieldSpec>>(name: string, prefix: string, spec: F): StructCodec<F> {
  const fields: StructField[] = [];
  let offset = 0;
  for (const [key, s] of Object.entries(spec)) {
    const codec = 'codec' in s && !('kind' in s) ? s.codec : (s as Codec<any, any>);
    const cname = 'c' in s && typeof s.c === 'string' ? s.c : prefix + snake(key);
    if (codec.fixed === undefined) throw new TypeError(`struct ${name}: field ${key} has no fixed size`);
    fields.push({ key, cname, codec, offset, size: codec.fixed });
    offset += codec.fixed;
  }
  const size = offset;
  const valueFields = fields.filter((f) => f.codec.kind !== 'pad');
  const known = new Set(valueFields.map((f) => f.key));
  const byKey = new Map(valueFields.map((f) => [f.key, fieldEncoder(f)]));

  const codec: StructCodec<F> = {
    kind: 'struct',
    name,
    fields,
    fixed: size,
    info: { name, fields },
    size(value: any, scope) {
      if (typeof value !== 'object' || value === null) encodeFail(`struct ${name} expects an object, got ${describe(value)}`);
      if (specialisedCodecs() && value[STRUCT_EXTENT] === undefined) {
        const c = compiled !== undefined ? compiled : ++uses > specialisedAfter() ? (compiled = compileStruct(valueFields, size)) : null;
        if (c !== null && c.check(value, scope)) return size;
      }
      // Only the keys present: unknown own keys are refused, known ones (own or inherited, as write reads them) validated.
      let i = 0;
      let cur: FieldEncoder | undefined; // the field being validated, for the error path
      try {
        for (const k in value) {
          const f = k === seenKeys[i] ? seenFields[i]! : fieldAt(k, i);
          i++;
          if (f === null) {
            if (Object.hasOwn(value, k)) throw new NlEncodeError(`unknown field "${k}" for struct ${name}; known: ${[...known].join(', ')}`);
            continue;
          }
          const v = value[k];
          if (v === undefined) continue;
          // An integer the codec accepts needs no call; anything else is the codec's to judge.
          const sh = f.shift;
          if (f.width === 0 || typeof v !== 'number' || (f.signed ? (v << sh) >> sh : (v << sh) >>> sh) !== v) {
            cur = f;
            f.codec.size(v, scope);
            cur = undefined;
          }
        }
      } catch (e) {
        if (cur !== undefined && e instanceof NlEncodeError) throw e.within(cur.cname);
        throw e;
      }
      const ext: Extent | undefined = value[STRUCT_EXTENT];
      if (ext?.short !== undefined) return ext.short;
      return size + (ext?.tail?.length ?? 0);
    },
    write(value: any, view, offset, scope) {
      const ext: Extent | undefined = value[STRUCT_EXTENT];
      if (ext === undefined) {
        writeFields(value, view, offset, scope);
        return size;
      }
      const limit = ext.short ?? size;
      if (ext.short !== undefined) {
        // Write the whole struct into scratch space, then copy the part that existed.
        const tmp = new DataView(new ArrayBuffer(size));
        writeFields(value, tmp, 0, scope);
        for (let i = 0; i < limit; i++) view.setUint8(offset + i, tmp.getUint8(i));
        if (ext.partial) new Uint8Array(view.buffer, view.byteOffset + offset + ext.partialAt!, ext.partial.length).set(ext.partial);
        return limit;
      }
      writeFields(value, view, offset, scope);
      if (ext.tail) new Uint8Array(view.buffer, view.byteOffset + offset + size, ext.tail.length).set(ext.tail);
      return size + (ext.tail?.length ?? 0);
    },
    read(view, offset, length, scope) {
      if (length === size && specialisedCodecs()) {
        const c = compiled !== undefined ? compiled : ++uses > specialisedAfter() ? (compiled = compileStruct(valueFields, size)) : null;
        if (c !== null) {
          const v = c.read(view, offset, scope);
          if (v !== undefined) return v as StructValue<F>;
        }
      }
      const out: any = {};
      for (const f of valueFields) {
        if (f.offset + f.size > length) continue;
        try {
          out[f.key] = f.codec.read(view, offset + f.offset, f.size, scope);
        } catch (e) {
          if (e instanceof NlDecodeError) throw e.within(f.cname);
          throw e;
        }
      }
      if (length !== size) {
        let ext: Extent;
        if (length < size) {
          ext = { short: length };
          const cut = fields.find((f) => f.offset < length && f.offset + f.size > length);
          if (cut) {
            ext.partialAt = cut.offset;
            ext.partial = copyBytes(view, offset + cut.offset, length - cut.offset);
          }
        } else {
          ext = { tail: copyBytes(view, offset + size, length - size) };
        }
        Object.defineProperty(out, STRUCT_EXTENT, { value: ext, enumerable: false, writable: true, configurable: true });
      }
      return out;
    },
    json(value: any) {
      const o: Record<string, Json> = {};
      for (const f of valueFields) if (value[f.key] !== undefined) o[f.cname] = f.codec.json(value[f.key]);
      const ext: Extent | undefined = value[STRUCT_EXTENT];
      if (ext?.tail) o['__tail'] = toHex(ext.tail);
      return o;
    },
  };

  /** The struct's specialised codec (see compile.ts): undefined until made, null where none can be. */
  let compiled: CompiledStruct | null | undefined;
  /** Values sized or read before the codec is made. */
  let uses = 0;

  /** Zeroes the struct (padding and fields left out), then writes the fields present. */
  function writeFields(value: any, view: DataView, offset: number, scope: Scope | undefined): void {
    if (compiled && specialisedCodecs()) {
      compiled.write(value, view, offset, scope);
      return;
    }
    let i = 0;
    for (; i + 4 <= size; i += 4) view.setUint32(offset + i, 0);
    for (; i < size; i++) view.setUint8(offset + i, 0);
    let at = 0;
    for (const k in value) {
      const f = k === seenKeys[at] ? seenFields[at]! : fieldAt(k, at);
      at++;
      if (f === null) continue;
      const v = value[k];
      if (v === undefined) continue;
      // Integers inline: an unsigned store of a width writes the same bytes as the signed one.
      const o = offset + f.offset;
      const w = f.width;
      if (w === 1) view.setUint8(o, v);
      else if (w === 2) view.setUint16(o, v, f.little);
      else if (w === 4) view.setUint32(o, v, f.little);
      else f.codec.write(v, view, o, scope);
    }
  }

  /**
   * Per position in a value's key order, the key last met there and its field
   * (null: not a field). Values of one shape then find every field with one
   * comparison; others fall back to {@link fieldAt}.
   */
  const seenKeys: string[] = [];
  const seenFields: (FieldEncoder | null)[] = [];

  /** The field of key `k`, met at position `i` of a value's keys; remembered there. */
  function fieldAt(k: string, i: number): FieldEncoder | null {
    const f = byKey.get(k) ?? null;
    if (i < SEEN_MAX) {
      seenKeys[i] = k;
      seenFields[i] = f;
    }
    return f;
  }

  structEncoderCodes.set(codec, (fail) => structEncoderCode(valueFields, size, fail));
  return codec;
}

/**
 * A struct's codec specialised by compile.ts: `check` is true when `size`
 * would accept the value, false when it must judge; `read` reads a payload
 * of the struct's exact size, or gives undefined where the interpreted read
 * must (a field's codec threw).
 */
interface CompiledStruct {
  check(value: object, scope: Scope | undefined): boolean;
  write(value: object, view: DataView, offset: number, scope: Scope | undefined): void;
  read(view: DataView, offset: number, scope: Scope | undefined): object | undefined;
}

/**
 * Generates a struct's {@link CompiledStruct}: the interpreted encoder's
 * walk over the value's keys (`for...in`, in the value's order), with each
 * field's offset, width and byte order written into a `switch` on the key.
 * `check` says false on an own key that is no field or a value an integer
 * field does not take (and on any throw of another field's codec), for
 * `size` to raise the error; `write` zeroes the struct and stores the
 * fields present, skipping what is no field, as `writeFields` does. `read`
 * makes the value as one object literal with every field in declaration
 * order (the interpreted read adds them one by one, in that order).
 */
function compileStruct(fields: readonly StructField[], size: number): CompiledStruct | null {
  const code = structEncoderCode(fields, size, 'return false');
  if (code === null) return null;
  const enc = code.args as readonly FieldEncoder[];
  // The reader: one object literal, its keys in declaration order as the interpreted read adds them.
  const read = enc.map((f, j) => {
    const key = JSON.stringify(fields[j]!.key);
    if (f.width === 0) return `${key}: f${j}.read(view, offset + ${f.offset}, ${fields[j]!.size}, scope),`;
    const get = `get${f.signed ? 'Int' : 'Uint'}${f.width * 8}`;
    return `${key}: view.${get}(offset + ${f.offset}${f.width === 1 ? '' : `, ${f.little}`}),`;
  });
  const body = [
    "'use strict';",
    ...code.consts,
    'return {',
    'check(value, scope) {',
    'try {',
    ...code.check,
    '} catch { return false; }',
    'return true;',
    '},',
    'read(view, offset, scope) {',
    'try {',
    'return {',
    ...read,
    '};',
    '} catch { return undefined; }',
    '},',
    'write(value, view, offset, scope) {',
    ...code.zero,
    ...code.write,
    '},',
    '};',
  ].join('\n');
  return makeCode<CompiledStruct>(['F'], body, [enc]);
}

/** {@link StructEncoderCode} for a struct's value fields (`fail`: the statement that gives up), or null where none can be made. */
function structEncoderCode(fields: readonly StructField[], size: number, fail: string): StructEncoderCode | null {
  if (fields.some((f) => f.key === '__proto__')) return null;
  const enc = fields.map(fieldEncoder);
  const check: string[] = [];
  const write: string[] = [];
  enc.forEach((f, i) => {
    const key = JSON.stringify(fields[i]!.key);
    const sh = f.shift;
    if (f.width !== 0) {
      const ok = f.signed ? `((v << ${sh}) >> ${sh}) === v` : `((v << ${sh}) >>> ${sh}) === v`;
      check.push(`case ${key}: v = value[k]; if (v !== undefined && (typeof v !== 'number' || !(${ok}))) ${fail}; break;`);
      const store = f.width === 1 ? `view.setUint8(offset + ${f.offset}, v)` : `view.setUint${f.width * 8}(offset + ${f.offset}, v, ${f.little})`;
      write.push(`case ${key}: v = value[k]; if (v !== undefined) ${store}; break;`);
    } else {
      check.push(`case ${key}: v = value[k]; if (v !== undefined) f${i}.size(v, scope); break;`);
      write.push(`case ${key}: v = value[k]; if (v !== undefined) f${i}.write(v, view, offset + ${f.offset}, scope); break;`);
    }
  });
  const zero: string[] = [];
  let i = 0;
  for (; i + 4 <= size; i += 4) zero.push(`view.setUint32(offset + ${i}, 0);`);
  for (; i < size; i++) zero.push(`view.setUint8(offset + ${i}, 0);`);
  return {
    args: enc,
    consts: [...enc.map((_, j) => `const f${j} = F[${j}].codec;`), 'const own = Object.prototype.hasOwnProperty;'],
    check: ['let v;', 'for (const k in value) {', 'switch (k) {', ...check, `default: if (own.call(value, k)) ${fail};`, '}', '}'],
    zero,
    write: ['let v;', 'for (const k in value) {', 'switch (k) {', ...write, '}', '}'],
    size,
  };
}

/**
 * How a struct's encoder validates and writes one field: where it goes and,
 * for an integer codec of this package, its layout, to do without calls.
 */
interface FieldEncoder {
  readonly cname: string;
  readonly codec: Codec<any, any>;
  readonly offset: number;
  /** For an integer codec of this package, its layout (`IntLayout`); width 0 otherwise. */
  readonly width: number;
  readonly little: boolean;
  readonly shift: number;
  readonly signed: boolean;
}

function fieldEncoder(f: StructField): FieldEncoder {
  const { width, little, shift, signed } = intLayout(f.codec);
  return { cname: f.cname, codec: f.codec, offset: f.offset, width, little, shift, signed };
}

/** `count` values of a fixed-size codec in a row (`__u32 data[8]`), as an array. */
export function fixedArray<C extends Codec<any, any>>(item: C, count: number): Codec<Decoded<C>[], Input<C>[]> {
  const each = item.fixed;
  if (each === undefined) throw new TypeError('fixedArray needs a fixed-size item');
  return {
    kind: 'custom',
    fixed: each * count,
    info: { array: item, count },
    size(value, scope) {
      if (!Array.isArray(value) || value.length !== count) encodeFail(`expected an array of ${count} items, got ${describe(value)}`);
      for (const v of value) item.size(v, scope);
      return each * count;
    },
    write(value, view, offset, scope) {
      for (let i = 0; i < count; i++) item.write(value[i], view, offset + i * each, scope);
    },
    read(view, offset, length, scope) {
      if (length !== each * count) throw new NlDecodeError(`array needs ${each * count} bytes, got ${length}`, offset);
      const out: Decoded<C>[] = new Array(count);
      for (let i = 0; i < count; i++) out[i] = item.read(view, offset + i * each, each, scope);
      return out;
    },
    json: (v) => v.map((x) => item.json(x)),
  };
}

/** Reads a u32 in host order; a tiny helper for hand-written codecs. */
export function hostU32(view: DataView, offset: number): number {
  return view.getUint32(offset, HOST_LE);
}
