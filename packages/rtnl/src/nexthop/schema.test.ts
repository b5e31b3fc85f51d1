import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { roundTripProperty } from '@nlkit/core/arbitrary';
import { decodeMessages, encodeMessage, family, toHex } from '@nlkit/core';
import { groupMember, groupWeight, nexthopMessages } from './schema.js';

const fam = family('test', 0, nexthopMessages);

describe('nexthop messages', () => {
  for (const name of Object.keys(nexthopMessages) as (keyof typeof nexthopMessages)[]) {
    it(`${name} round-trips (property)`, () => {
      fc.assert(roundTripProperty(fam, name), { numRuns: 200 });
    });
  }

  it('encodes NHA_GROUP as struct nexthop_grp entries; weights are stored less one', () => {
    expect(groupMember(7, 300)).toEqual({ id: 7, weight: 43, weightHigh: 1 });
    expect(groupWeight(groupMember(7, 300))).toBe(300);
    expect(() => groupMember(7, 0)).toThrow(/1\.\.65536/);
    const bytes = encodeMessage(fam, { name: 'RTM_NEWNEXTHOP', attrs: { id: 10, group: [groupMember(1, 3), { id: 2 }] } });
    expect(toHex(bytes.subarray(24))).toBe('080001000a000000' + '14000200' + '0100000002000000' + '0200000000000000');
  });

  it('keeps a nexthop_grp whose reserved bytes are set; names NHA_OP_FLAG_RESP_GRP_RESVD_0 (bit 31)', () => {
    const bytes = encodeMessage(fam, { name: 'RTM_NEWNEXTHOP', attrs: { group: [{ id: 1 }], opFlags: ['respGrpResvd0'] } });
    bytes[24 + 4 + 6] = 0xff;
    const [m] = decodeMessages(fam, bytes);
    expect(m!.attrs).toEqual({ group: [{ id: 1, weight: 0, weightHigh: 0 }], opFlags: ['respGrpResvd0'] });
    expect(toHex(encodeMessage(fam, m as never))).toBe(toHex(bytes));
  });
});
