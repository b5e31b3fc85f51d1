import { describe, expect, it } from 'vitest';
import { DEFAULT_CLOCK, calcRtable, calcXmitsize, calcXmittime, clockFromPsched, rate32 } from './rate.js';

describe('tc clock and rate tables', () => {
  it('reads /proc/net/psched as tc_core_init and get_hz do', () => {
    expect(DEFAULT_CLOCK).toEqual({ tickInUsec: 15.625, clockFactor: 1, hz: 1e9, rounding: 'truncate' });
    const ns = clockFromPsched('000003e8 000003e8 3b9aca00 3b9aca00\n', 'ceil');
    expect(ns).toEqual({ tickInUsec: 1000, clockFactor: 1000, hz: 100, rounding: 'ceil' });
    expect(() => clockFromPsched('nonsense')).toThrow(RangeError);
  });

  it('tc_calc_xmittime: truncating (iproute2 < 6.14) and rounding up (>= 6.14)', () => {
    expect(calcXmittime(1250000n, 1600)).toBe(20000);
    expect(calcXmittime(3, 1)).toBe(5208328);
    expect(calcXmittime(3, 1, { ...DEFAULT_CLOCK, rounding: 'ceil' })).toBe(5208334);
    expect(calcXmittime(1, 0xffffffff, { ...DEFAULT_CLOCK, rounding: 'ceil' })).toBe(0xffffffff);
    expect(calcXmitsize(1250000n, 20000)).toBe(1600);
  });

  it('tc_calc_rtable: cell size from the mtu, mpu, ATM cells', () => {
    const t = calcRtable({ rate: 125000, mtu: 1600 });
    expect(t.cellLog).toBe(3);
    expect(t.cellAlign).toBe(-1);
    expect(t.linklayer).toBe(1);
    expect(t.table).toHaveLength(256);
    expect(t.table[0]).toBe(calcXmittime(125000, 8));
    expect(calcRtable({ rate: 125000 }).cellLog).toBe(3);
    expect(calcRtable({ rate: 125000, mtu: 9000 }).cellLog).toBe(6);
    expect(calcRtable({ rate: 125000, mtu: 1600, mpu: 64 }).table[0]).toBe(calcXmittime(125000, 64));
    const atm = calcRtable({ rate: 125000, cellLog: 4, linklayer: 'atm' });
    expect(atm.linklayer).toBe(2);
    expect(atm.table[5]).toBe(calcXmittime(125000, 2 * 53));
  });

  it('32-bit rate fields saturate', () => {
    expect(rate32(5n)).toBe(5);
    expect(rate32(1n << 32n)).toBe(0xffffffff);
  });
});
