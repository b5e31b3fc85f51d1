import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arbitraryMessage } from '@nlkit/core/arbitrary';
import { decodeMessages, encodeMessage, family, toHex } from '@nlkit/core';
import { addrMessages } from './schema.js';

const fam = family('test', 0, addrMessages);

describe('address messages', () => {
  for (const name of Object.keys(addrMessages) as (keyof typeof addrMessages)[]) {
    it(`${name} round-trips (property)`, () => {
      fc.assert(fc.property(arbitraryMessage(fam, name), (m) => {
        const bytes = encodeMessage(fam, m);
        const [back] = decodeMessages(fam, bytes);
        expect(back).toEqual(m);
        expect(toHex(encodeMessage(fam, back as never))).toBe(toHex(bytes));
      }), { numRuns: 200 });
    });
  }

  it('names the IFA_F_* bits and keeps unknown ones as numbers', () => {
    const bytes = encodeMessage(fam, { name: 'RTM_NEWADDR', header: { family: 10, prefixlen: 64 }, attrs: { flags: ['nodad', 'stablePrivacy', 0x10000] } });
    expect(decodeMessages(fam, bytes)[0]!.attrs).toEqual({ flags: ['nodad', 'stablePrivacy', 0x10000] });
  });
});
