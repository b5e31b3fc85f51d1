import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { roundTripProperty } from '@nlkit/core/arbitrary';
import { encodeMessage, family, toHex } from '@nlkit/core';
import { nsidMessages } from './schema.js';

const fam = family('test', 0, nsidMessages);

describe('nsid messages', () => {
  for (const name of Object.keys(nsidMessages) as (keyof typeof nsidMessages)[]) {
    it(`${name} round-trips (property)`, () => {
      fc.assert(roundTripProperty(fam, name), { numRuns: 200 });
    });
  }

  it('pads the one-byte struct rtgenmsg to 4 bytes before the attributes', () => {
    const bytes = encodeMessage(fam, { name: 'RTM_NEWNSID', header: { family: 0 }, attrs: { nsid: 42, fd: 6 } });
    expect(toHex(bytes.subarray(16))).toBe('00000000' + '080001002a000000' + '0800030006000000');
  });
});
