import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { roundTripProperty } from '@nlkit/core/arbitrary';
import { decodeMessages, encodeMessage, family } from '@nlkit/core';
import { addrMessages } from './schema.js';

const fam = family('test', 0, addrMessages);

describe('address messages', () => {
  for (const name of Object.keys(addrMessages) as (keyof typeof addrMessages)[]) {
    it(`${name} round-trips (property)`, () => {
      fc.assert(roundTripProperty(fam, name), { numRuns: 200 });
    });
  }

  it('names the IFA_F_* bits and keeps unknown ones as numbers', () => {
    const bytes = encodeMessage(fam, { name: 'RTM_NEWADDR', header: { family: 10, prefixlen: 64 }, attrs: { flags: ['nodad', 'stablePrivacy', 0x10000] } });
    expect(decodeMessages(fam, bytes)[0]!.attrs).toEqual({ flags: ['nodad', 'stablePrivacy', 0x10000] });
  });
});
