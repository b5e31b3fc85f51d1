import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { roundTripProperty } from '@nlkit/core/arbitrary';
import { decodeMessages, encodeMessage, family } from '@nlkit/core';
import { netconfIfindex, netconfMessages } from './schema.js';

const fam = family('test', 0, netconfMessages);

describe('netconf messages', () => {
  for (const name of Object.keys(netconfMessages) as (keyof typeof netconfMessages)[]) {
    it(`${name} round-trips (property)`, () => {
      fc.assert(roundTripProperty(fam, name), { numRuns: 200 });
    });
  }

  it('decodes the all/default pseudo-devices as negative ifindexes', () => {
    const [m] = decodeMessages(fam, encodeMessage(fam, { name: 'RTM_NEWNETCONF', header: { family: 2 }, attrs: { ifindex: netconfIfindex.default, forwarding: 1 } }));
    expect(m!.attrs).toEqual({ ifindex: -2, forwarding: 1 });
  });
});
