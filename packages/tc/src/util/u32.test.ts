import { describe, expect, it } from 'vitest';
import { parseU32Handle, u32HandleParts, u32HashFold, u32Selector } from './u32.js';

describe('u32 selectors packed as f_u32.c packs them', () => {
  it('addresses, ports and protocol fields become aligned 32-bit keys', () => {
    expect(u32Selector(['ip dst 10.0.0.0/8', 'tcp dst 80 0xffff']).sel.keys).toEqual([
      { mask: 0xff000000, val: 0x0a000000, off: 16, offmask: 0 },
      { mask: 0x0000ffff, val: 80, off: 0, offmask: -1 },
    ]);
    expect(u32Selector('ip protocol 6 0xff').sel.keys).toEqual([{ mask: 0x00ff0000, val: 0x00060000, off: 8, offmask: 0 }]);
    expect(u32Selector('ip src 192.168.1.7').sel.keys).toEqual([{ mask: 0xffffffff, val: 0xc0a80107, off: 12, offmask: 0 }]);
    expect(u32Selector('ip dst 10.1.2.3/255.255.0.0').sel.keys).toEqual([{ mask: 0xffff0000, val: 0x0a010000, off: 16, offmask: 0 }]);
    expect(u32Selector('u32 0x1 0xff at nexthdr+8').sel.keys).toEqual([{ mask: 0xff, val: 1, off: 8, offmask: -1 }]);
    expect(u32Selector('ip6 dst 2001:db8::/40').sel.keys).toEqual([
      { mask: 0xffffffff, val: 0x20010db8, off: 24, offmask: 0 },
      { mask: 0xff000000, val: 0, off: 28, offmask: 0 },
    ]);
    expect(u32Selector('ether dst 00:11:22:33:44:55').sel.keys).toEqual([
      { mask: 0x0000ffff, val: 0x0011, off: -16, offmask: 0 },
      { mask: 0xffffffff, val: 0x22334455, off: -12, offmask: 0 },
    ]);
  });

  it('merges keys at one offset and refuses contradictions', () => {
    expect(u32Selector(['ip sport 80 0xffff', 'ip dport 22 0xffff']).sel.keys).toEqual([{ mask: 0xffffffff, val: 0x00500016, off: 20, offmask: 0 }]);
    expect(() => u32Selector(['ip protocol 6 0xff', 'ip protocol 17 0xff'])).toThrow(RangeError);
  });

  it('tcp/udp sport and dport are accepted as src and dst', () => {
    expect(u32Selector('tcp dport 80 0xffff')).toEqual(u32Selector('tcp dst 80 0xffff'));
    expect(u32Selector('udp sport 53 0xffff')).toEqual(u32Selector('udp src 53 0xffff'));
  });

  it('mark goes beside the keys; bad input is refused', () => {
    expect(u32Selector('mark 0x10 0xff')).toEqual({ sel: expect.objectContaining({ keys: [] }), mark: { val: 0x10, mask: 0xff, success: 0 } });
    for (const m of ['ip dst 10.0.0.0/33', 'ip foo 1 1', 'u8 0x100 0xff', 'u32 1 0xff at 3', 'mark 3 1', 'tcp dst 80', 'ip dst 10.0.0.1 extra', 'bogus 1']) {
      expect(() => u32Selector(m), m).toThrow(RangeError);
    }
  });

  it('handles and hash folding', () => {
    expect(parseU32Handle('800::800')).toBe(0x80000800);
    expect(parseU32Handle('1:')).toBe(0x00100000);
    expect(parseU32Handle('2:5:1')).toBe(0x00205001);
    expect(parseU32Handle('0x10')).toBe(0x10);
    expect(() => parseU32Handle('1000:')).toThrow(RangeError);
    expect(() => parseU32Handle('10')).toThrow(RangeError);
    expect(u32HandleParts(0x00205001)).toEqual({ htid: 2, hash: 5, node: 1 });
    expect(u32HashFold({ val: 0x00001200, mask: 0x0000ff00, off: 0, offmask: 0 })).toBe(0x12);
  });
});
