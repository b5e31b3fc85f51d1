import { describe, expect, it } from 'vitest';
import {
  TC_H_MAJ, TC_H_MAKE, TC_H_MIN, TC_H_ROOT, formatHandle, parseClassid, parseParent, parseQdiscHandle, toHandle,
} from './handle.js';

describe('handles', () => {
  it('TC_H_MAJ / TC_H_MIN / TC_H_MAKE', () => {
    expect(TC_H_MAJ(0xffff0010)).toBe(0xffff0000);
    expect(TC_H_MIN(0xffff0010)).toBe(0x10);
    expect(TC_H_MAKE(0x00010000, 0x10)).toBe(0x00010010);
    expect(TC_H_MAKE(0xffff0000, 0xfff2)).toBe(0xfffffff2);
  });

  it('class ids as get_tc_classid reads them', () => {
    const cases: [string, number][] = [
      ['1:10', 0x00010010], ['ffff:', 0xffff0000], [':5', 0x5], ['root', TC_H_ROOT], ['none', 0], ['10', 0x10],
      ['abcd:ef', 0xabcd00ef], ['0x1:0x2', 0x00010002], ['1:', 0x00010000],
    ];
    for (const [s, n] of cases) expect(parseClassid(s), s).toBe(n);
    for (const s of ['1:10000', '10000:', 'x', '1:2:3', '1:g', '']) expect(() => parseClassid(s), s).toThrow(RangeError);
  });

  it('qdisc handles as get_qdisc_handle reads them (a minor is ignored, as tc ignores it)', () => {
    const cases: [string, number][] = [['1:', 0x10000], ['1', 0x10000], ['ffff:', 0xffff0000], ['none', 0], ['0x12:', 0x120000], ['1:5', 0x10000]];
    for (const [s, n] of cases) expect(parseQdiscHandle(s), s).toBe(n);
    for (const s of ['10000', 'x', '1x', '']) expect(() => parseQdiscHandle(s), s).toThrow(RangeError);
  });

  it('parents per context: ingress/clsact for qdiscs, the clsact hooks for filters', () => {
    expect(parseParent('root')).toBe(0xffffffff);
    expect(parseParent('ingress')).toBe(0xfffffff1);
    expect(parseParent('clsact')).toBe(0xfffffff1);
    expect(parseParent('ingress', 'filter')).toBe(0xfffffff2);
    expect(parseParent('egress', 'filter')).toBe(0xfffffff3);
    expect(parseParent('1:10', 'filter')).toBe(0x10010);
    expect(parseParent(0x10000)).toBe(0x10000);
    expect(() => parseParent(-1)).toThrow(RangeError);
  });

  it('toHandle: a qdisc handle unless a minor is given', () => {
    expect(toHandle('1:')).toBe(0x10000);
    expect(toHandle('1')).toBe(0x10000);
    expect(toHandle('1:10')).toBe(0x10010);
    expect(toHandle(':5')).toBe(5);
    expect(toHandle(7)).toBe(7);
  });

  it('prints as print_tc_classid', () => {
    expect(formatHandle(0x00010010)).toBe('1:10');
    expect(formatHandle(0xffff0000)).toBe('ffff:');
    expect(formatHandle(5)).toBe(':5');
    expect(formatHandle(TC_H_ROOT)).toBe('root');
    expect(formatHandle(0)).toBe('none');
    expect(formatHandle(0xfffffff1)).toBe('ffff:fff1');
  });
});
