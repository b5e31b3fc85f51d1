/** Property tests: every link and stats message round-trips through encode and decode. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessages, encodeMessage, family, nest, toHex } from '@nlkit/core';
import { arbitraryFor, arbitraryMessage } from '@nlkit/core/arbitrary';
import { ifStatsMsg, statsAttrs, statsGetsetAttrs } from '../stats/index.js';
import { AF, afSpecAttrs, bridgeAfSpecAttrs, bridgePortAttrs, ifinfomsg, inet6Attrs, linkAttrs, linkDataKinds, linkSlaveDataKinds } from './index.js';

const link = { header: ifinfomsg, attrs: linkAttrs };
const fam = family('test', 0, {
  RTM_NEWLINK: { type: 16, ...link },
  RTM_DELLINK: { type: 17, ...link },
  RTM_GETLINK: { type: 18, ...link },
  RTM_SETLINK: { type: 19, ...link },
  RTM_NEWLINKPROP: { type: 108, ...link },
  RTM_DELLINKPROP: { type: 109, ...link },
  RTM_NEWSTATS: { type: 92, header: ifStatsMsg, attrs: statsAttrs },
  RTM_GETSTATS: { type: 94, header: ifStatsMsg, attrs: statsGetsetAttrs },
  RTM_SETSTATS: { type: 96, header: ifStatsMsg, attrs: statsGetsetAttrs },
});
type Name = keyof typeof fam.messages & string;

function roundTrip(m: Parameters<typeof encodeMessage<typeof fam>>[1]): void {
  const bytes = encodeMessage(fam, m);
  const [back] = decodeMessages(fam, bytes);
  expect(back).toEqual(m);
  expect(toHex(encodeMessage(fam, back as never))).toBe(toHex(bytes));
}

describe('link and stats messages', () => {
  for (const name of Object.keys(fam.messages) as Name[]) {
    it(`${name} round-trips (property)`, () => {
      fc.assert(fc.property(arbitraryMessage(fam, name, { maxDepth: 5 }), roundTrip), { numRuns: 200 });
    });
  }

  it('generates every kind and slave kind (the arbitraries reach them)', () => {
    const seen = new Set<string>();
    const info = fc.sample(arbitraryMessage(fam, 'RTM_NEWLINK', { maxDepth: 5 }), 3000);
    for (const m of info) {
      const li = (m.attrs as { linkinfo?: { kind?: unknown; slaveKind?: unknown; data?: unknown; slaveData?: unknown } }).linkinfo;
      if (li?.data !== undefined && typeof li.kind === 'string') seen.add(li.kind);
      if (li?.slaveData !== undefined && typeof li.slaveKind === 'string') seen.add(`slave:${li.slaveKind}`);
    }
    for (const k of Object.keys(linkDataKinds)) expect(seen, k).toContain(k);
    for (const k of Object.keys(linkSlaveDataKinds)) expect(seen, k).toContain(`slave:${k}`);
  });

  it('IFLA_AF_SPEC and IFLA_PROTINFO follow ifi_family (property)', () => {
    const byFamily = fc.oneof(
      fc.tuple(fc.constant(AF.BRIDGE), arbitraryFor(nest(bridgeAfSpecAttrs)), arbitraryFor(nest(bridgePortAttrs))),
      fc.tuple(fc.constant(AF.INET6), arbitraryFor(nest(afSpecAttrs)), arbitraryFor(nest(inet6Attrs))),
      fc.tuple(fc.constantFrom(AF.UNSPEC, AF.INET), arbitraryFor(nest(afSpecAttrs)), fc.uint8Array({ maxLength: 16 })),
    );
    fc.assert(fc.property(byFamily, arbitraryMessage(fam, 'RTM_NEWLINK'), ([family, spec, prot], m) => {
      roundTrip({ ...m, header: { ...m.header, family }, attrs: { ...m.attrs, afSpec: spec, protinfo: prot } } as never);
    }), { numRuns: 300 });
  });
});
