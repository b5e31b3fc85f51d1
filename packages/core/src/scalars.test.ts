import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { viewOf } from './bytes.js';
import { NlDecodeError, NlEncodeError } from './errors.js';
import { enumOf, flagsOf, formatIPv6, ip, ipv4, ipv6, lladdr, parseIPv6, s16, s32, u16be, u32, u64, u8, uint, cstring } from './scalars.js';

const enc = (c: { size: (v: any, s: any) => number; write: (v: any, view: DataView, o: number, s: any) => void }, v: unknown) => {
  const b = new Uint8Array(c.size(v, undefined));
  c.write(v, viewOf(b), 0, undefined);
  return b;
};
const dec = (c: { read: (view: DataView, o: number, n: number, s: any) => unknown }, b: Uint8Array) => c.read(viewOf(b), 0, b.length, undefined);

describe('integers', () => {
  it('use host order, and big-endian where declared', () => {
    expect([...enc(u16be, 0x1234)]).toEqual([0x12, 0x34]);
    expect([...enc(u32, 1)]).toEqual([1, 0, 0, 0]); // this test machine is little-endian
    expect(dec(s16, new Uint8Array([0xff, 0xff]))).toBe(-1);
    expect(dec(u64, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0x80]))).toBe(0x8000000000000001n);
  });
  it('reject out-of-range and non-integer input with NlEncodeError', () => {
    expect(() => u8.size(256, undefined)).toThrow(NlEncodeError);
    expect(() => u8.size(1.5, undefined)).toThrow(/integer in 0..255/);
    expect(() => u32.size(-1, undefined)).toThrow(NlEncodeError);
    expect(() => u64.size(2n ** 64n, undefined)).toThrow(NlEncodeError);
    expect(u64.size(5, undefined)).toBe(8);
  });
  it('reject payloads of the wrong length with NlDecodeError and the offset', () => {
    const e = (() => { try { dec(u32, new Uint8Array(3)); } catch (x) { return x; } })() as NlDecodeError;
    expect(e).toBeInstanceOf(NlDecodeError);
    expect(e.reason).toMatch(/u32 needs 4 bytes, got 3/);
  });
  it('NLA_UINT takes 4 bytes when it fits and 8 otherwise', () => {
    expect(enc(uint, 7).length).toBe(4);
    expect(enc(uint, 2n ** 40n).length).toBe(8);
    expect(dec(uint, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]))).toBe(1n);
  });
});

describe('addresses', () => {
  it('format IPv6 as inet_ntop does', () => {
    const cases: [string, string][] = [
      ['00000000000000000000000000000000', '::'],
      ['00000000000000000000000000000001', '::1'],
      ['20010db8000000000000000000000001', '2001:db8::1'],
      ['20010db8000000010000000000000001', '2001:db8:0:1::1'],
      ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
      ['fe800000000000000000000000000000', 'fe80::'],
      ['00000000000000000000ffff0a000001', '::ffff:10.0.0.1'],
      ['0000000000000000000000000a000001', '::10.0.0.1'],
      ['20010db8000100000001000100010001', '2001:db8:1:0:1:1:1:1'],
    ];
    for (const [hex, text] of cases) {
      const b = Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
      expect(formatIPv6(viewOf(b), 0)).toBe(text);
      expect([...parseIPv6(text)!]).toEqual([...b]);
    }
  });
  it('parse and format IPv6 consistently for any 16 bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
      const text = formatIPv6(viewOf(b), 0);
      expect([...parseIPv6(text)!]).toEqual([...b]);
    }));
  });
  it('reject malformed addresses', () => {
    for (const bad of ['1.2.3', '256.1.1.1', '01.2.3.4', 'x']) expect(() => ipv4.size(bad, undefined)).toThrow(NlEncodeError);
    for (const bad of ['1::2::3', '12345::', ':::', '1:2:3:4:5:6:7:8:9']) expect(() => ipv6.size(bad, undefined)).toThrow(NlEncodeError);
  });
  it('decode family-dependent addresses by length, keeping other lengths as bytes', () => {
    expect(dec(ip, new Uint8Array([10, 0, 0, 1]))).toBe('10.0.0.1');
    expect(dec(ip, new Uint8Array([0, 1, 0x41, 0]))).toBe('0.1.65.0');
    expect(dec(ip, new Uint8Array([0, 1, 2]))).toEqual(new Uint8Array([0, 1, 2]));
    expect([...enc(ip, 'fe80::1')].length).toBe(16);
  });
  it('write link-layer addresses of any length', () => {
    expect(dec(lladdr, new Uint8Array([0xaa, 0xbb, 0, 1, 2, 0xff]))).toBe('aa:bb:00:01:02:ff');
    expect([...enc(lladdr, '0a:00:00:01')]).toEqual([10, 0, 0, 1]);
    expect(dec(lladdr, new Uint8Array())).toBe('');
    expect(() => lladdr.size('aa:b', undefined)).toThrow(NlEncodeError);
  });
});

describe('names for numbers', () => {
  const state = enumOf(u8, { down: 2, up: 6 });
  const bits = flagsOf(u32, { up: 1, broadcast: 2, loopback: 8 });
  it('decode enums to names, unknown values to numbers', () => {
    expect(dec(state, new Uint8Array([6]))).toBe('up');
    expect(dec(state, new Uint8Array([9]))).toBe(9);
    expect([...enc(state, 'down')]).toEqual([2]);
    expect(() => state.size('sideways' as never, undefined)).toThrow(/one of down, up/);
  });
  it('decode flag sets to names in bit order, with unnamed bits as a number', () => {
    expect(dec(bits, enc(u32, 0x10009))).toEqual(['up', 'loopback', 0x10000]);
    expect(dec(bits, enc(bits, ['loopback', 'up']))).toEqual(['up', 'loopback']);
    expect(() => bits.size(['nope'] as never, undefined)).toThrow(/unknown flag/);
  });
});

describe('strings', () => {
  it('are NUL-terminated and bounded', () => {
    const c = cstring({ max: 15 });
    expect([...enc(c, 'lo')]).toEqual([0x6c, 0x6f, 0]);
    expect(dec(c, new Uint8Array([0x6c, 0x6f, 0, 0x41]))).toBe('lo');
    expect(() => c.size('a'.repeat(16), undefined)).toThrow(/longer than 15/);
    expect(() => c.size('a\0b', undefined)).toThrow(/NUL/);
  });
});

describe('flag sets', () => {
  it('keep bit 31', () => {
    const f = flagsOf(u32, { low: 1, high: 0x80000000 });
    const b = enc(u32, 0x80000001);
    expect(dec(f, b)).toEqual(['low', 'high']);
    expect([...enc(f, ['high'])]).toEqual([0, 0, 0, 0x80]);
    expect(dec(flagsOf(u32, { low: 1 }), b)).toEqual(['low', 0x80000000]);
  });
});

describe('flag sets over a signed base', () => {
  it('encode bit 31 as the sign bit', () => {
    const f = flagsOf(s32, { top: 0x80000000, one: 1 });
    const b = enc(f, ['top', 'one']);
    expect([...b]).toEqual([1, 0, 0, 0x80]);
    expect(dec(f, b)).toEqual(['one', 'top']);
  });
});
