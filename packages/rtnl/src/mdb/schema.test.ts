import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arbitraryAttrs, roundTripProperty } from '@nlkit/core/arbitrary';
import { decodeMessages, encodeMessage, family, toHex, viewOf } from '@nlkit/core';
import { mdbEntryExtAttrs, mdbMessages, mdbRequestMessages, mdbRouterPortAttrs } from './schema.js';

const kernel = family('test', 0, mdbMessages);
const requests = family('test-requests', 0, mdbRequestMessages);

describe('multicast database messages', () => {
  for (const [label, fam] of [['as the kernel sends them', kernel], ['as user space sends them', requests]] as const) {
    for (const name of Object.keys(fam.messages) as (keyof typeof mdbMessages)[]) {
      it(`${name} round-trips ${label} (property)`, () => {
        fc.assert(roundTripProperty(fam, name), { numRuns: 200 });
      });
    }
  }

  it('lays out struct br_port_msg and struct br_mdb_entry, the group read by its protocol', () => {
    const bytes = encodeMessage(requests, { name: 'RTM_NEWMDB', header: { family: 7, ifindex: 4 }, attrs: { entry: { ifindex: 2, state: 'permanent', addr: '239.1.1.1' } } });
    expect(toHex(bytes.subarray(16))).toBe('07000000' + '04000000' + '20000100' + '02000000' + '01000000' + 'ef010101' + '0'.repeat(24) + '0800' + '0000');
    const [m] = decodeMessages(requests, bytes);
    expect(m!.attrs).toEqual({ entry: { ifindex: 2, state: 'permanent', flags: [], vid: 0, addr: '239.1.1.1', proto: 0x0800 } });
    const l2 = encodeMessage(requests, { name: 'RTM_NEWMDB', attrs: { entry: { addr: '01:00:5e:01:02:03', vid: 5 } } });
    expect(decodeMessages(requests, l2)[0]!.attrs).toMatchObject({ entry: { addr: '01:00:5e:01:02:03', proto: 0, vid: 5 } });
  });

  it('keeps an entry whose unused union bytes are set', () => {
    const bytes = encodeMessage(requests, { name: 'RTM_NEWMDB', attrs: { entry: { addr: '239.1.1.1' } } });
    bytes[16 + 8 + 4 + 8 + 5] = 0xaa;
    const [m] = decodeMessages(requests, bytes);
    expect(toHex(encodeMessage(requests, m as never))).toBe(toHex(bytes));
  });

  // The message-level generators fill these only partly (they sit behind a struct in a custom codec).
  for (const set of [mdbEntryExtAttrs, mdbRouterPortAttrs]) {
    it(`${set.name} round-trips on its own (property)`, () => {
      fc.assert(fc.property(arbitraryAttrs(set), (v) => {
        const bytes = new Uint8Array(set.size(v as never));
        set.write(v as never, viewOf(bytes), 0);
        expect(set.decode(viewOf(bytes), 0, bytes.length)).toEqual(v);
      }), { numRuns: 200 });
    });
  }
});
