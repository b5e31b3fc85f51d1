import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { roundTripProperty } from '@nlkit/core/arbitrary';
import { encodeMessage, family, toHex } from '@nlkit/core';
import { addrlabelMessages } from './schema.js';

const fam = family('test', 0, addrlabelMessages);

describe('addrlabel messages', () => {
  for (const name of Object.keys(addrlabelMessages) as (keyof typeof addrlabelMessages)[]) {
    it(`${name} round-trips (property)`, () => {
      fc.assert(roundTripProperty(fam, name), { numRuns: 200 });
    });
  }

  it('lays out struct ifaddrlblmsg', () => {
    const bytes = encodeMessage(fam, { name: 'RTM_NEWADDRLABEL', header: { family: 10, prefixlen: 48, index: 3, seq: 9 }, attrs: { label: 99 } });
    expect(toHex(bytes.subarray(16))).toBe('0a003000' + '03000000' + '09000000' + '0800020063000000');
  });
});
