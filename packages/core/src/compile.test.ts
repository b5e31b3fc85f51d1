import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { compareCodecs, compareDecoders, specialisedCodecsProperty } from './arbitrary.js';
import { attrs, nest, variant } from './attrs.js';
import { toHex, viewOf } from './bytes.js';
import type { Codec } from './codec.js';
import { NlDecodeError } from './errors.js';
import { setSpecialisedCodecs } from './compile.js';
import { decodeMessages, encodeMessage, family } from './family.js';
import { cstring, flag, ip, ipv4, s16be, s32, u16, u32, u32be, u64, u8 } from './scalars.js';
import { pad, struct } from './struct.js';

const hdr = struct('testmsg', 't_', { family: u8, _pad: pad(1), port: { codec: u16, c: 't_port_c' }, index: s32, addr: ipv4, weight: s16be, _pad2: pad(2) });
const inner = attrs('TI_', { a: { nla: 1, codec: u8 }, b: { nla: 2, codec: cstring() }, c: { nla: 7, codec: s16be } });
const kinds = { one: nest(attrs('TK1_', { x: { nla: 1, codec: u32 } })), two: u32be };
const outer = attrs('TA_', {
  name: { nla: 3, codec: cstring() },
  mtu: { nla: 1, codec: u32 },
  small: { nla: 2, codec: u8 },
  port: { nla: 9, codec: u16 },
  be: { nla: 10, codec: u32be },
  signed: { nla: 11, codec: s32 },
  big: { nla: 4, codec: u64 },
  addr: { nla: 5, codec: ip },
  on: { nla: 6, codec: flag },
  sub: { nla: 8, codec: nest(inner) },
  many: { nla: 12, codec: u32, multi: true },
  kind: { nla: 13, codec: cstring() },
  data: { nla: 14, codec: variant('kind', kinds) },
  // Kind-dependent payloads whose cases and fallback take the same values
  // with different bytes: a case picked wrongly shows in the bytes (one
  // that fails would only send the value to the interpreted encoder).
  // `fam` is keyed by the header's family unless an attribute `family` is
  // given (the nearest level first).
  fam: { nla: 15, codec: variant('family', { 2: u32be, 10: u16 }, u32 as Codec<any> as Codec<Uint8Array>) },
  family: { nla: 16, codec: u8 },
  data2: { nla: 17, codec: variant('kind', { one: u32be }, u32 as Codec<any> as Codec<Uint8Array>) },
});
const fam = family('test', 0, { T_NEW: { type: 16, header: hdr, attrs: outer }, T_HDR: { type: 17, header: hdr } });

afterEach(() => {
  vi.unstubAllGlobals();
  setSpecialisedCodecs(true, { after: 32 });
});

describe('specialised encoders', () => {
  it('give the interpreted encoders\' bytes for generated messages (property)', () => {
    fc.assert(specialisedCodecsProperty(fam, 'T_NEW'), { numRuns: 400 });
  });

  it('give the interpreted encoders\' bytes and errors for values built by hand', () => {
    const base = { name: 'T_NEW', seq: 3, header: { family: 2, port: 80, index: -5, addr: '10.1.2.3', weight: -2 } };
    const cases: unknown[] = [
      // keys in any order, undefined values, every codec kind
      { ...base, attrs: { sub: { c: -3, a: 1 }, mtu: 1500, name: 'eth0', on: true, small: 255, port: 65535, be: 0xdeadbeef, signed: -1, big: 2n ** 64n - 1n, addr: 'fe80::1', kind: 'one', data: { x: 7 } } },
      { ...base, attrs: { data: 9, kind: 'two', mtu: undefined, name: 'x'.repeat(300) } },
      { ...base, attrs: { kind: 'zzz', data: new Uint8Array([1, 2, 3]) } },
      { ...base, attrs: { many: [1, 2, 3], mtu: 1 } },
      // the case of a kind-dependent payload: by the header, by a sibling that shadows the header's field, by a sibling
      { ...base, attrs: { fam: 0x10203 } },
      { ...base, header: { family: 10 }, attrs: { fam: 0x102 } },
      { ...base, attrs: { family: 10, fam: 0x102 } },
      { ...base, attrs: { fam: 0x10203, family: 7 } },
      { ...base, attrs: { kind: 'one', data2: 0x10203 } },
      { ...base, attrs: { kind: 'other', data2: 0x10203 } },
      { ...base, attrs: Object.assign(Object.create(null), { mtu: 2, addr: '1.2.3.4' }) },
      { ...base, header: { index: 2 }, attrs: {} },
      // refusals: unknown keys, bad integers, bad strings, bad nests, a header with an unknown field
      { ...base, attrs: { mtu: 1, nope: 2 } },
      { ...base, attrs: { nope: undefined } },
      { ...base, attrs: { mtu: 2 ** 32 } },
      { ...base, attrs: { mtu: 1.5 } },
      { ...base, attrs: { small: 256 } },
      { ...base, attrs: { signed: 2 ** 31 } },
      { ...base, attrs: { port: -1 } },
      { ...base, attrs: { name: 42 } },
      { ...base, attrs: { addr: '1.2.3.400' } },
      { ...base, attrs: { sub: { a: 'x' } } },
      { ...base, attrs: { sub: { q: 1 } } },
      { ...base, attrs: { many: 5 } },
      { ...base, attrs: { name: 'y'.repeat(70000) } },
      { ...base, header: { family: 256 }, attrs: {} },
      { ...base, header: { index: 2 ** 31 }, attrs: {} },
      { ...base, header: { addr: 'nope' }, attrs: {} },
      { ...base, header: { extra: 1 }, attrs: {} },
    ];
    for (const m of cases) {
      const r = compareCodecs(fam, m as never);
      expect(r.specialised, JSON.stringify(m, (_, v) => (typeof v === 'bigint' ? String(v) : v))?.slice(0, 200)).toBe(r.interpreted);
    }
    // A decoded header short of its struct (an old kernel's) is encoded as it came, by either path, also with attributes of a new message.
    const hdrOnly = encodeMessage(fam, { name: 'T_HDR', seq: 1, header: { family: 2, index: 9 } });
    const short = hdrOnly.slice(0, hdrOnly.length - 4);
    viewOf(short).setUint32(0, short.length, true);
    const header = (decodeMessages(fam, short)[0] as { header: object }).header;
    const again = compareCodecs(fam, { name: 'T_HDR', seq: 1, header } as never);
    expect(again.specialised).toBe(again.interpreted);
    expect(again.specialised.split('\n')[0]).toBe(toHex(short));
    const withAttrs = compareCodecs(fam, { name: 'T_NEW', seq: 1, header, attrs: { mtu: 1 } } as never);
    expect(withAttrs.specialised).toBe(withAttrs.interpreted);
    expect(withAttrs.specialised.slice(0, 8)).toBe('24000000'); // 16 + the 12 bytes of the header + 8
    // Inherited keys are the interpreted encoders' business (a value that is not a plain object).
    const proto = { mtu: 9000 };
    const child = Object.assign(Object.create(proto), { small: 1 });
    const r = compareCodecs(fam, { ...base, attrs: child } as never);
    expect(r.specialised).toBe(r.interpreted);
    expect(r.specialised).toMatch(/^[0-9a-f]+\n/);
  });

  it('read structs as the interpreted read does: values, key order, short and long payloads, errors (property)', () => {
    const picky: Codec<number> = {
      kind: 'custom',
      fixed: 1,
      size: () => 1,
      write: (v, view, o) => view.setUint8(o, v),
      read(view, o) {
        const b = view.getUint8(o);
        if (b === 0xff) throw new NlDecodeError('0xff is not allowed here', o);
        return b;
      },
      json: (v) => v,
    };
    const st = struct('pickymsg', 'p_', { a: u8, b: s16be, c: { codec: picky, c: 'p_c_field' }, d: u32, e: ipv4 });
    const read = (bytes: Uint8Array, on: boolean): string => {
      setSpecialisedCodecs(on, { after: 0 });
      try {
        return JSON.stringify(st.read(viewOf(bytes), 1, bytes.length - 1, undefined));
      } catch (e) {
        return `${(e as Error).constructor.name}: ${(e as Error).message}`;
      }
    };
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 16 }), (bytes) => {
      expect(read(bytes, true)).toBe(read(bytes, false));
    }), { numRuns: 500 });
    expect(read(new Uint8Array([0, 1, 0, 2, 0xff, 0, 0, 0, 0, 1, 2, 3, 4]), true)).toMatch(/NlDecodeError: .*p_c_field/);
  });

  it('decode any attribute stream as the interpreted decoder does: unknown, repeated, flagged, short, long, malformed (property)', () => {
    const numbers = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 20, 31];
    const attr = fc.record({
      nla: fc.constantFrom(...numbers),
      flags: fc.constantFrom(0, 0x4000, 0x8000),
      payload: fc.oneof(fc.uint8Array({ maxLength: 12 }), fc.constantFrom(new Uint8Array([0x0c, 0, 1, 0, 7, 0, 0, 0, 0x05, 0, 2, 0, 9, 0, 0, 0]))),
      lie: fc.constantFrom(0, 0, 0, 0, 1, -1, 40),
    });
    fc.assert(fc.property(fc.array(attr, { maxLength: 8 }), fc.nat({ max: 3 }), (list, junk) => {
      const parts: number[] = [];
      for (const a of list) {
        const len = 4 + a.payload.length;
        const told = a.lie === 0 ? len : Math.max(0, len + a.lie);
        parts.push(told & 0xff, told >> 8, a.nla & 0xff, (a.nla | a.flags) >> 8, ...a.payload);
        while (parts.length % 4) parts.push(0);
      }
      for (let i = 0; i < junk; i++) parts.push(0xee);
      const head = encodeMessage(fam, { name: 'T_NEW', seq: 1, header: { family: 2, index: 7 } });
      const bytes = new Uint8Array(head.length + parts.length);
      bytes.set(head);
      bytes.set(parts, head.length);
      new DataView(bytes.buffer).setUint32(0, bytes.length, true);
      const r = compareDecoders(fam, bytes);
      expect(r.specialised).toBe(r.interpreted);
    }), { numRuns: 2000 });
  });

  it('decode to plain objects', () => {
    const [m] = decodeMessages(fam, encodeMessage(fam, { name: 'T_NEW', header: { family: 2, index: -3 }, attrs: { mtu: 9000, name: 'x' } }));
    expect(Object.getPrototypeOf(m!.attrs)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(m!.header)).toBe(Object.prototype);
    expect(m!.attrs.constructor).toBe(Object);
    expect(m!.attrs).toStrictEqual({ name: 'x', mtu: 9000 });
    expect(m!.header).toStrictEqual({ family: 2, port: 0, index: -3, addr: '0.0.0.0', weight: 0 });
  });

  it('are made once per message type, attribute set and struct, once it has coded `after` values', () => {
    const real = Function;
    let made = 0;
    vi.stubGlobal('Function', function (...args: string[]) {
      made++;
      return real(...args);
    });
    setSpecialisedCodecs(true, { after: 3 });
    const s = attrs('TN_', { a: { nla: 1, codec: u32 }, b: { nla: 2, codec: cstring() } });
    const h = struct('tnmsg', 'tn_', { x: u32 });
    const f = family('fresh', 0, { N: { type: 16, header: h, attrs: s } });
    const msg = (i: number) => ({ name: 'N' as const, header: { x: i }, attrs: { a: i, b: 'z' } });
    const bytes: string[] = [];
    for (let i = 0; i < 3; i++) bytes.push(toHex(encodeMessage(f, msg(i))));
    expect(made).toBe(0); // three values coded the interpreted way
    bytes.push(toHex(encodeMessage(f, msg(3))));
    expect(made).toBe(1); // the message's encoder (it does without the set's and the struct's own)
    for (let i = 4; i < 20; i++) bytes.push(toHex(encodeMessage(f, msg(i))));
    decodeMessages(f, encodeMessage(f, msg(1)));
    expect(made).toBe(2); // the struct's code (it had sized `after` values before the message's encoder took over); the set's decoder waits for its own values
    for (let i = 0; i < 3; i++) decodeMessages(f, encodeMessage(f, msg(i)));
    expect(made).toBe(3);
    vi.unstubAllGlobals();
    setSpecialisedCodecs(false);
    expect(bytes).toEqual(Array.from({ length: 20 }, (_, i) => toHex(encodeMessage(f, msg(i)))));
    expect(() => setSpecialisedCodecs(true, { after: -1 })).toThrow(RangeError);
  });

  it('fall back to the interpreted codecs where code cannot be made (a CSP without unsafe-eval)', () => {
    const csp = vi.fn(function refused() {
      throw new EvalError('Refused to evaluate a string as JavaScript');
    });
    vi.stubGlobal('Function', csp);
    setSpecialisedCodecs(true, { after: 0 });
    const s = attrs('TC_', { a: { nla: 1, codec: u32 }, b: { nla: 2, codec: cstring() } });
    const h = struct('tcmsg', 'tc_', { x: u16, _p: pad(2) });
    const f = family('csp', 0, { C: { type: 16, header: h, attrs: s } });
    const bytes = encodeMessage(f, { name: 'C', seq: 1, header: { x: 0x102 }, attrs: { b: 'ab', a: 7 } });
    expect(csp).toHaveBeenCalled();
    // nlmsghdr, the struct, TC_A (u32 7), TC_B ("ab\0", padded)
    expect(toHex(bytes)).toBe('24000000100000000100000000000000' + '02010000' + '0800010007000000' + '0700020061620000');
    expect(() => encodeMessage(f, { name: 'C', attrs: { a: -1 } })).toThrow(/TC_A/);
  });
});
