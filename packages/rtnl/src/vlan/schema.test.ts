import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { roundTripProperty } from '@nlkit/core/arbitrary';
import { encodeMessage, family, toHex } from '@nlkit/core';
import { vlanMessages } from './schema.js';

const fam = family('test', 0, vlanMessages);

describe('vlan messages', () => {
  for (const name of Object.keys(vlanMessages) as (keyof typeof vlanMessages)[]) {
    it(`${name} round-trips (property)`, () => {
      fc.assert(roundTripProperty(fam, name), { numRuns: 200 });
    });
  }

  it('lays out struct br_vlan_msg and struct bridge_vlan_info', () => {
    const bytes = encodeMessage(fam, { name: 'RTM_NEWVLAN', header: { family: 7, ifindex: 2 }, attrs: { entry: [{ info: { flags: ['onlyOpts'], vid: 10 }, state: 'forwarding' }] } });
    // BRIDGE_VLANDB_ENTRY (nested) with ENTRY_INFO { flags: ONLY_OPTS, vid: 10 } and ENTRY_STATE forwarding.
    expect(toHex(bytes.subarray(16))).toBe('07000000' + '02000000' + '14000180' + '080001004000' + '0a00' + '050003000' + '3000000');
  });
});
