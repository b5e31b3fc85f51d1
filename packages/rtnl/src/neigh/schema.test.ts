import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { roundTripProperty } from '@nlkit/core/arbitrary';
import { decodeMessages, encodeMessage, family, toHex } from '@nlkit/core';
import { neighMessages, neighStates } from './schema.js';

const fam = family('test', 0, neighMessages);

describe('neighbour messages', () => {
  for (const name of Object.keys(neighMessages) as (keyof typeof neighMessages)[]) {
    it(`${name} round-trips (property)`, () => {
      fc.assert(roundTripProperty(fam, name), { numRuns: 200 });
    });
  }

  it('lays out struct ndmsg and names the state and flag masks', () => {
    const bytes = encodeMessage(fam, {
      name: 'RTM_GETNEIGH',
      header: { family: 2, ifindex: 3, state: neighStates.reachable | neighStates.stale },
      attrs: { ndmStateMask: ['reachable', 'stale'], ndmFlagsMask: ['proxy'], flagsExt: ['managed'] },
    });
    expect(toHex(bytes.subarray(16, 28))).toBe('02000000' + '03000000' + '0600' + '0000');
    expect(decodeMessages(fam, bytes)[0]!.attrs).toEqual({ ndmStateMask: ['reachable', 'stale'], ndmFlagsMask: ['proxy'], flagsExt: ['managed'] });
  });
});
