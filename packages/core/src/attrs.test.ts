import { afterEach, describe, expect, it } from 'vitest';
import { HOST_LE, fromHex, toHex, viewOf } from './bytes.js';
import { attrOrder, NLA_F_NESTED, NLA_F_NET_BYTEORDER, attrs, indexedArray, nest, unknownAttrs, variant } from './attrs.js';
import type { Codec } from './codec.js';
import { setSpecialisedCodecs } from './compile.js';
import { NlDecodeError, NlEncodeError } from './errors.js';
import { cstring, u16, u32, u8 } from './scalars.js';
import { STRUCT_EXTENT, pad, struct } from './struct.js';

function nla(type: number, payload: number[]): number[] {
  const len = 4 + payload.length;
  const out = [len & 0xff, len >> 8, type & 0xff, type >> 8, ...payload];
  while (out.length % 4) out.push(0);
  return out;
}
const le32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];

const inner = attrs('T_IN_', { a: { nla: 1, codec: u32 }, b: { nla: 2, codec: cstring() } });
const kindA = attrs('T_A_', { x: { nla: 1, codec: u16 } });
const set = attrs('T_', {
  num: { nla: 1, codec: u32 },
  name: { nla: 2, codec: cstring({ max: 15 }) },
  inner: { nla: 3, codec: nest(inner) },
  many: { nla: 4, codec: u8, multi: true },
  kind: { nla: 5, codec: cstring() },
  data: { nla: 6, codec: variant('kind', { a: nest(kindA) }) },
  list: { nla: 7, codec: indexedArray(u32) },
  port: { nla: 8, codec: u16 },
});

const encode = (v: object): Uint8Array => {
  const b = new Uint8Array(set.size(v as never));
  set.write(v as never, viewOf(b), 0);
  return b;
};
const decode = (b: Uint8Array) => set.decode(viewOf(b), 0, b.length);

describe('attribute sets', () => {
  it('derive kernel names from friendly ones', () => {
    expect(set.byKey('num')!.name).toBe('T_NUM');
    expect(set.nameOf(3)).toBe('T_INNER');
    expect(set.nameOf(99)).toBe('T_UNKNOWN_99');
  });

  it('encode in declaration order with NLA_F_NESTED on nests, 4-byte aligned', () => {
    const b = encode({ name: 'ab', num: 7, inner: { a: 1 } });
    expect(toHex(b)).toBe(toHex(Uint8Array.from([...nla(1, le32(7)), ...nla(2, [0x61, 0x62, 0]), ...nla(3 | NLA_F_NESTED, nla(1, le32(1)))])));
  });

  it('mask NLA_F_NESTED on decode and keep the flag bits for re-encode', () => {
    const bytes = Uint8Array.from([...nla(3, nla(1, le32(5))), ...nla(1, le32(9))]); // nest sent without the flag, as many kernel dumps do
    const v = decode(bytes);
    expect(v).toEqual({ inner: { a: 5 }, num: 9 });
    expect(toHex(encode(v))).toBe(toHex(bytes));
  });

  it('keep unknown attributes verbatim and re-emit them in place', () => {
    const bytes = Uint8Array.from([...nla(1, le32(1)), ...nla(63, [1, 2, 3]), ...nla(2, [0x78, 0]), ...nla(0x8000 | 64, nla(1, [9, 9, 9, 9]))]);
    const v = decode(bytes);
    expect(v).toEqual({ num: 1, name: 'x' });
    expect(unknownAttrs(v, set)).toEqual([
      { type: 63, flags: 0, data: new Uint8Array([1, 2, 3]) },
      { type: 64, flags: NLA_F_NESTED, data: Uint8Array.from(nla(1, [9, 9, 9, 9])) },
    ]);
    expect(toHex(encode(v))).toBe(toHex(bytes));
    expect(set.json(v)).toEqual([['T_NUM', 1], ['T_UNKNOWN_63', '010203'], ['T_NAME', 'x'], ['T_UNKNOWN_64', toHex(Uint8Array.from(nla(1, [9, 9, 9, 9])))]]);
  });

  it('apply a change to a decoded object and keep the rest in wire order', () => {
    const bytes = Uint8Array.from([...nla(2, [0x78, 0]), ...nla(60, [7]), ...nla(1, le32(1))]);
    const v = decode(bytes) as Record<string, unknown>;
    v['num'] = 2;
    v['port'] = 80;
    delete v['name'];
    const again = encode(v);
    expect(toHex(again)).toBe(toHex(Uint8Array.from([...nla(60, [7]), ...nla(1, le32(2)), ...nla(8, [80, 0])])));
  });

  it('collect repeated attributes into arrays, interleaved order preserved', () => {
    const bytes = Uint8Array.from([...nla(4, [1]), ...nla(1, le32(3)), ...nla(4, [2])]);
    const v = decode(bytes);
    expect(v).toEqual({ many: [1, 2], num: 3 });
    expect(toHex(encode(v))).toBe(toHex(bytes));
  });

  it('keep a repeat of a non-repeating attribute verbatim', () => {
    const bytes = Uint8Array.from([...nla(1, le32(3)), ...nla(1, le32(4))]);
    const v = decode(bytes);
    expect(v).toEqual({ num: 3 });
    expect(toHex(encode(v))).toBe(toHex(bytes));
  });

  it('honour NLA_F_NET_BYTEORDER on integers', () => {
    const bytes = Uint8Array.from(nla(8 | NLA_F_NET_BYTEORDER, [0x12, 0x34]));
    const v = decode(bytes);
    expect(v).toEqual({ port: 0x1234 });
    expect(toHex(encode(v))).toBe(toHex(bytes));
    expect(HOST_LE).toBe(true);
  });

  it('decode a kind-dependent payload by its sibling, whatever their order, with a raw fallback', () => {
    const data = nla(6 | NLA_F_NESTED, nla(1, [5, 0]));
    const bytes = Uint8Array.from([...data, ...nla(5, [0x61, 0])]);
    const v = decode(bytes);
    expect(v).toEqual({ data: { x: 5 }, kind: 'a' });
    expect(toHex(encode(v))).toBe(toHex(bytes));
    const other = Uint8Array.from([...nla(5, [0x7a, 0]), ...nla(6, [1, 2, 3, 4])]);
    expect(decode(other)).toEqual({ kind: 'z', data: new Uint8Array([1, 2, 3, 4]) });
    expect(toHex(encode(decode(other)))).toBe(toHex(other));
    // encode sets NLA_F_NESTED only when the chosen case is nested
    expect(toHex(encode({ kind: 'a', data: { x: 1 } }))).toContain('0c000680');
    expect(toHex(encode({ kind: 'z', data: new Uint8Array([1]) }))).toContain('05000600');
    expect(set.json(v)).toEqual([['T_DATA', [['T_A_X', 5]]], ['T_KIND', 'a']]);
  });

  it('decode indexed arrays', () => {
    const bytes = Uint8Array.from(nla(7 | NLA_F_NESTED, [...nla(1, le32(10)), ...nla(2, le32(20))]));
    const v = decode(bytes);
    expect(v).toEqual({ list: [10, 20] });
    expect(toHex(encode(v))).toBe(toHex(bytes));
  });

  it('keep the exact bytes of a string with stray bytes after its NUL', () => {
    const bytes = Uint8Array.from(nla(2, [0x61, 0, 0, 0, 0x62]));
    const v = decode(bytes);
    expect(v).toEqual({ name: 'a' });
    expect(toHex(encode(v))).toBe(toHex(bytes));
    (v as { name: string }).name = 'b';
    expect(toHex(encode(v))).toBe(toHex(Uint8Array.from(nla(2, [0x62, 0]))));
  });

  it('report malformed input with offset and path', () => {
    const bad = Uint8Array.from([...nla(1, le32(1)), ...nla(3, [...nla(2, [0x61, 0]), 12, 0, 1, 0])]);
    let err: unknown;
    try {
      decode(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NlDecodeError);
    const e = err as NlDecodeError;
    expect(e.path).toEqual(['T_INNER', 'T_IN_A']);
    expect(e.offset).toBe(20);
    expect(e.message).toMatch(/runs past the end of its container .* at T_INNER > T_IN_A \(byte offset 20\)/);
    expect(() => decode(Uint8Array.from([2, 0, 1, 0]))).toThrow(/shorter than its 4-byte header/);
  });

  it('reject bad encode input with the path of the offending attribute', () => {
    expect(() => encode({ nope: 1 })).toThrow(/unknown attribute "nope" for T_/);
    expect(() => encode({ inner: { a: -1 } })).toThrow(NlEncodeError);
    try {
      encode({ inner: { a: -1 } });
    } catch (e) {
      expect((e as NlEncodeError).path).toEqual(['T_INNER', 'T_IN_A']);
    }
    expect(() => encode({ name: 'x'.repeat(16) })).toThrow(/longer than 15: .* at T_NAME/);
    expect(() => encode({ many: 3 })).toThrow(/expects an array/);
  });

  it('hide the wire order from enumeration and equality', () => {
    const v = decode(Uint8Array.from(nla(1, le32(1))));
    expect(Object.keys(v)).toEqual(['num']);
    expect(attrOrder(v)).toBeDefined();
    expect(attrOrder(v)!.types).toEqual([1]);
    expect(JSON.stringify(v)).toBe('{"num":1}');
    expect(Reflect.ownKeys(v)).toEqual(['num']);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(v).toStrictEqual({ num: 1 });
    // Copies are objects built by hand: no record.
    expect(attrOrder({ ...v })).toBeUndefined();
    expect(attrOrder(structuredClone(v))).toBeUndefined();
    expect(attrOrder({ num: 1 })).toBeUndefined();
  });
});

describe('wire-order records', () => {
  afterEach(() => setSpecialisedCodecs(true, { after: 32 }));
  const bytes = (...attrs: number[][]): Uint8Array => Uint8Array.from(attrs.flat());
  const numName = (n: number, name: string) => bytes(nla(1, le32(n)), nla(2, [...new TextEncoder().encode(name), 0]));

  describe.each([
    ['specialised', true],
    ['interpreted', false],
  ])('%s decoders', (_, on) => {
    it('values whose attributes came alike share one frozen record; each re-encodes to its own bytes', () => {
      setSpecialisedCodecs(on, { after: 0 });
      const inputs = [numName(1, 'a'), numName(2, 'bb'), bytes(nla(2, [0x63, 0]), nla(1, le32(3))), numName(4, 'd')];
      const values = inputs.map((b) => decode(b));
      const [r0, r1, r2, r3] = values.map((v) => attrOrder(v)!);
      expect(r1).toBe(r0);
      expect(r3).toBe(r0);
      expect(r2).not.toBe(r0);
      expect(r0!.types).toEqual([1, 2]);
      expect(r2!.types).toEqual([2, 1]);
      expect(Object.isFrozen(r0!.types)).toBe(true);
      values.forEach((v, i) => expect(toHex(encode(v))).toBe(toHex(inputs[i]!)));
    });

    it('a value with bytes kept verbatim gets a record of its own, and the next plain value does not inherit them, also after a decode error', () => {
      setSpecialisedCodecs(on, { after: 0 });
      const plain = numName(1, 'a');
      const odd = bytes(nla(1, le32(2)), nla(99, [7, 7, 7, 7]));
      const withUnknown = decode(odd);
      expect(unknownAttrs(withUnknown, set)).toEqual([{ type: 99, flags: 0, data: Uint8Array.of(7, 7, 7, 7) }]);
      expect(attrOrder(withUnknown)!.raws).toBeDefined();
      expect(() => decode(bytes(nla(1, le32(3)), [9, 0, 1, 0]))).toThrow(NlDecodeError);
      const after = decode(plain);
      expect(attrOrder(after)!.raws).toBeUndefined();
      expect(attrOrder(after)!.tail).toBeUndefined();
      expect(unknownAttrs(after, set)).toEqual([]);
      expect(toHex(encode(withUnknown))).toBe(toHex(odd));
      expect(toHex(encode(after))).toBe(toHex(plain));
      // A trailing piece too short to be an attribute is kept on the value's own record.
      const tailed = bytes(nla(1, le32(5)), [1, 2]);
      const t = decode(tailed);
      expect(attrOrder(t)!.tail).toEqual(Uint8Array.of(1, 2));
      expect(attrOrder(decode(plain))!.tail).toBeUndefined();
      expect(toHex(encode(t))).toBe(toHex(tailed));
    });

    it('a set decoded inside a value of the same set (a codec that recurses) keeps both records apart', () => {
      setSpecialisedCodecs(on, { after: 0 });
      const self: Codec<unknown> = {
        kind: 'custom',
        size: (v) => rec.size(v as never, undefined),
        write: (v, view, offset) => rec.write(v as never, view, offset, undefined),
        read: (view, offset, length) => rec.decode(view, offset, length),
        json: (v) => v as never,
      };
      const rec = attrs('T_R_', { n: { nla: 1, codec: u32 }, child: { nla: 2, codec: self }, m: { nla: 3, codec: u16 } });
      const innerBytes = bytes(nla(3, [5, 0]), nla(1, le32(9)));
      const outerBytes = bytes(nla(1, le32(1)), nla(2, [...innerBytes]), nla(42, [1, 2, 3, 4]));
      for (let round = 0; round < 3; round++) {
        const v = rec.decode(viewOf(outerBytes), 0, outerBytes.length) as { n: number; child: object; m?: number };
        expect(v).toEqual({ n: 1, child: { m: 5, n: 9 } });
        expect(attrOrder(v)!.types).toEqual([1, 2, 42]);
        expect(attrOrder(v)!.raws?.[2]).toEqual(Uint8Array.of(1, 2, 3, 4));
        expect(attrOrder(v.child)!.types).toEqual([3, 1]);
        expect(attrOrder(v.child)!.raws).toBeUndefined();
        const out = new Uint8Array(rec.size(v as never));
        rec.write(v as never, viewOf(out), 0);
        expect(toHex(out)).toBe(toHex(outerBytes));
      }
    });
  });
});

describe('structs', () => {
  const s = struct('demo', 'd_', { a: u8, _p: pad(1), b: u16, c: { codec: u32, c: 'other' } });
  it('lay out fields with explicit padding and C names', () => {
    expect(s.fixed).toBe(8);
    expect(s.fields.map((f) => [f.cname, f.offset])).toEqual([['d_a', 0], ['d__p', 1], ['d_b', 2], ['other', 4]]);
    const b = new Uint8Array(8);
    s.write({ a: 1, b: 2 }, viewOf(b), 0, undefined);
    expect(toHex(b)).toBe('0100020000000000');
    expect(s.json(s.read(viewOf(b), 0, 8, undefined))).toEqual({ d_a: 1, d_b: 2, other: 0 });
  });
  it('decode the known part of a grown struct and keep its tail', () => {
    const bytes = fromHex('010002000300000009090909');
    const v = s.read(viewOf(bytes), 0, bytes.length, undefined);
    expect(v).toEqual({ a: 1, b: 2, c: 3 });
    expect((v as never)[STRUCT_EXTENT]).toEqual({ tail: fromHex("09090909") });
    const out = new Uint8Array(s.size(v, undefined));
    s.write(v, viewOf(out), 0, undefined);
    expect(toHex(out)).toBe(toHex(bytes));
  });
  it('decode what fits of a short struct and re-emit that length', () => {
    const bytes = fromHex('010002');
    const v = s.read(viewOf(bytes), 0, 3, undefined);
    expect(v).toEqual({ a: 1 });
    expect(s.size(v, undefined)).toBe(3);
  });
  it('reject unknown fields', () => {
    expect(() => s.size({ a: 1, zz: 2 } as never, undefined)).toThrow(/unknown field "zz"/);
  });
});

describe('structs inside attributes', () => {
  const st = struct('grow', 'g_', { a: u32 });
  const s2 = attrs('S_', { st: { nla: 1, codec: st }, n: { nla: 2, codec: u8 } });
  it('re-encode a grown struct with its tail and the right attribute length', () => {
    const bytes = Uint8Array.from([...nla(1, [...le32(7), 1, 2, 3, 4]), ...nla(2, [9])]);
    const v = s2.decode(viewOf(bytes), 0, bytes.length);
    const out = new Uint8Array(s2.size(v));
    s2.write(v, viewOf(out), 0);
    expect(toHex(out)).toBe(toHex(bytes));
  });
  it('re-encode a short struct with its short length', () => {
    const bytes = Uint8Array.from([...nla(1, [7, 0]), ...nla(2, [9])]);
    const v = s2.decode(viewOf(bytes), 0, bytes.length);
    const out = new Uint8Array(s2.size(v));
    s2.write(v, viewOf(out), 0);
    expect(toHex(out)).toBe(toHex(bytes));
  });
});
