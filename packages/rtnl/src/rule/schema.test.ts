import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { roundTripProperty } from '@nlkit/core/arbitrary';
import { encodeMessage, family, toHex } from '@nlkit/core';
import { ruleMessages } from './schema.js';

const fam = family('test', 0, ruleMessages);

describe('rule messages', () => {
  for (const name of Object.keys(ruleMessages) as (keyof typeof ruleMessages)[]) {
    it(`${name} round-trips (property)`, () => {
      fc.assert(roundTripProperty(fam, name), { numRuns: 300 });
    });
  }

  it('lays out struct fib_rule_hdr with its reserved bytes', () => {
    const bytes = encodeMessage(fam, { name: 'RTM_NEWRULE', header: { family: 2, srcLen: 8, table: 100, action: 1, flags: 2 }, attrs: { sportRange: { start: 1000, end: 2000 } } });
    expect(toHex(bytes.subarray(16))).toBe('02000800' + '64000001' + '02000000' + '08001700e803d007');
  });
});
