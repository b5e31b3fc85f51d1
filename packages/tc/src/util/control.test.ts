import { describe, expect, it } from 'vitest';
import { parseControl, parseControlPair } from './control.js';

describe('verdicts as tc reads them', () => {
  it('words, prefixes, goto chain, jump, numbers', () => {
    const cases: [string | number, number][] = [
      ['drop', 2], ['shot', 2], ['pass', 0], ['ok', 0], ['continue', -1], ['reclassify', 1], ['pipe', 3], ['trap', 8],
      ['re', 1], ['goto chain 5', 0x20000005], ['jump 2', 0x10000002], ['7', 7], [4, 4],
    ];
    for (const [c, n] of cases) expect(parseControl(c), String(c)).toBe(n);
    for (const c of ['x', 'goto 5', 'goto chain', 'jump', 'drop now', 'goto chain 999999999']) expect(() => parseControl(c), c).toThrow(RangeError);
  });

  it('EXCEED/CONFORM pairs', () => {
    expect(parseControlPair('drop/ok')).toEqual({ exceed: 2, conform: 0 });
    expect(parseControlPair('drop')).toEqual({ exceed: 2 });
    expect(parseControlPair(['pipe', 'continue'])).toEqual({ exceed: 3, conform: -1 });
  });
});
