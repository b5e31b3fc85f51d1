import { describe, expect, it } from 'vitest';
import { parseLinklayer, parseRate, parseRate32, parseSize, parseSizeAndCell, parseTime, parseTime64, strtod } from './units.js';

describe('units read as tc reads them', () => {
  it('rates: bits per second unless the unit says bytes; numbers pass through as bytes/s', () => {
    const cases: [string, bigint][] = [
      ['1mbit', 125000n], ['10kbit', 1250n], ['1.5gbit', 187500000n], ['100kbps', 100000n], ['1mibit', 131072n],
      ['1000', 125n], ['1Mbit', 125000n], ['1e6bit', 125000n], ['8bit', 1n], ['1bit', 0n], ['2KiBps', 2048n],
      ['40gbit', 5000000000n], ['1tbit', 125000000000n], ['0x10kbit', 2000n],
    ];
    for (const [s, n] of cases) expect(parseRate(s), s).toBe(n);
    expect(parseRate(1000)).toBe(1000n);
    expect(parseRate(5n)).toBe(5n);
    for (const s of ['1xbit', 'mbit', '', '-1mbit', '1 mbit']) expect(() => parseRate(s), s).toThrow(RangeError);
    expect(parseRate32('8mbit')).toBe(1000000);
    expect(() => parseRate32('40gbit')).toThrow(RangeError);
  });

  it('sizes: powers of 1024, kbit/mbit/gbit as 128/131072/134217728 bytes', () => {
    const cases: [string, number][] = [
      ['10kb', 10240], ['1mb', 1048576], ['1500', 1500], ['64kbit', 8192], ['1.5k', 1536], ['2K', 2048], ['3m', 3145728],
      ['1gb', 1073741824], ['1b', 1], ['2mbit', 262144], ['1gbit', 134217728], ['0x800', 2048],
    ];
    for (const [s, n] of cases) expect(parseSize(s), s).toBe(n);
    expect(parseSize('1.5')).toBe(1);
    for (const s of ['5g', '1kib', 'k', '-1']) expect(() => parseSize(s), s).toThrow(RangeError);
    expect(parseSizeAndCell('10kb/8')).toEqual({ size: 10240, cellLog: 3 });
    expect(parseSizeAndCell('1500/0x10')).toEqual({ size: 1500, cellLog: 4 });
    expect(parseSizeAndCell('1500')).toEqual({ size: 1500 });
    for (const s of ['1500/3', '1500/', '/8']) expect(() => parseSizeAndCell(s), s).toThrow(RangeError);
  });

  it('times: microseconds unless a unit is given', () => {
    const cases: [string, number][] = [['100ms', 100000], ['1s', 1000000], ['10us', 10], ['2.5ms', 2500], ['500', 500], ['1sec', 1000000], ['3USECS', 3]];
    for (const [s, n] of cases) expect(parseTime(s), s).toBe(n);
    for (const s of ['1m', 'ms', '5000s']) expect(() => parseTime(s), s).toThrow(RangeError);
    expect(parseTime64('1.5ms')).toBe(1500000n);
    expect(parseTime64('20')).toBe(20n);
    expect(parseTime64('2s')).toBe(2000000000n);
  });

  it('strtod takes the longest number prefix', () => {
    expect(strtod('1.5e3kbit')).toEqual({ value: 1500, rest: 'kbit' });
    expect(strtod('  .5k')).toEqual({ value: 0.5, rest: 'k' });
    expect(strtod('0x1Fk')).toEqual({ value: 31, rest: 'k' });
    expect(strtod('1e')).toEqual({ value: 1, rest: 'e' });
    expect(strtod('k')).toBeUndefined();
  });

  it('link layers by prefix', () => {
    expect(parseLinklayer('eth')).toBe('ethernet');
    expect(parseLinklayer('atm')).toBe('atm');
    expect(parseLinklayer('adsl')).toBe('atm');
    expect(() => parseLinklayer('')).toThrow(RangeError);
    expect(() => parseLinklayer('token')).toThrow(RangeError);
  });
});
