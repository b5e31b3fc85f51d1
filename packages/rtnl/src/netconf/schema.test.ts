import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arbitraryMessage } from '@nlkit/core/arbitrary';
import { decodeMessages, encodeMessage, family, toHex } from '@nlkit/core';
import { netconfIfindex, netconfMessages } from './schema.js';

const fam = family('test', 0, netconfMessages);

describe('netconf messages', () => {
  for (const name of Object.keys(netconfMessages) as (keyof typeof netconfMessages)[]) {
    it(`${name} round-trips (property)`, () => {
      fc.assert(fc.property(arbitraryMessage(fam, name), (m) => {
        const bytes = encodeMessage(fam, m);
        const [back] = decodeMessages(fam, bytes);
        expect(back).toEqual(m);
        expect(toHex(encodeMessage(fam, back as never))).toBe(toHex(bytes));
      }), { numRuns: 200 });
    });
  }

  it('decodes the all/default pseudo-devices as negative ifindexes', () => {
    const [m] = decodeMessages(fam, encodeMessage(fam, { name: 'RTM_NEWNETCONF', header: { family: 2 }, attrs: { ifindex: netconfIfindex.default, forwarding: 1 } }));
    expect(m!.attrs).toEqual({ ifindex: -2, forwarding: 1 });
  });
});
