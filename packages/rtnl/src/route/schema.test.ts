import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arbitraryAttrs, arbitraryMessage } from '@nlkit/core/arbitrary';
import { NlDecodeError, NlEncodeError, decodeMessages, encodeMessage, family, fromHex, toHex, toRaw, viewOf } from '@nlkit/core';
import { ipValue, ipv6Text } from './arbitraries.js';
import { AF_MPLS, mplsLabels } from './codecs.js';
import { ipv6SrHdr, mplsIptunnelAttrs, seg6IptunnelAttrs } from './encap.js';
import { multipath, rtnexthopAttrs } from './multipath.js';
import { routeMessages, routeTypes } from './schema.js';

const fam = family('test', 0, routeMessages);

function roundTrip(m: Parameters<typeof encodeMessage<typeof fam>>[1]): void {
  const bytes = encodeMessage(fam, m);
  const [back] = decodeMessages(fam, bytes);
  expect(back).toEqual(m);
  expect(toHex(encodeMessage(fam, back as never))).toBe(toHex(bytes));
}

describe('route messages', () => {
  for (const name of Object.keys(routeMessages) as (keyof typeof routeMessages)[]) {
    it(`${name} round-trips (property)`, () => {
      fc.assert(fc.property(arbitraryMessage(fam, name), roundTrip), { numRuns: 300 });
    });
  }

  it('RTA_DST and RTA_NEWDST are label stacks for AF_MPLS routes and addresses otherwise (property)', () => {
    const labels = fc.array(fc.integer({ min: 0, max: 0xfffff }), { minLength: 1, maxLength: 4 });
    const mpls = fc.record({ dst: labels, newdst: labels, via: fc.record({ family: fc.constantFrom(2, 10), addr: ipValue(fc) }) });
    const ipRoute = fc.record({ dst: fc.oneof(fc.ipV4(), ipv6Text(fc)), gateway: fc.ipV4() });
    const msg = fc.oneof(
      fc.record({ name: fc.constant('RTM_NEWROUTE' as const), header: fc.record({ family: fc.constant(AF_MPLS), dstLen: fc.constant(20) }), attrs: mpls }),
      fc.record({ name: fc.constant('RTM_NEWROUTE' as const), header: fc.record({ family: fc.constantFrom(2, 10), dstLen: fc.constant(32) }), attrs: ipRoute }),
    );
    fc.assert(fc.property(msg, (m) => {
      const [back] = decodeMessages(fam, encodeMessage(fam, m));
      expect(back!.attrs).toEqual(m.attrs);
    }), { numRuns: 300 });
  });

  it('the attributes of a next hop round-trip on their own (property)', () => {
    // RTA_MULTIPATH's generator fills only some of them; RTA_NEWDST needs the header's family (above).
    fc.assert(fc.property(arbitraryAttrs(rtnexthopAttrs), (v) => {
      const bytes = new Uint8Array(rtnexthopAttrs.size(v as never));
      rtnexthopAttrs.write(v as never, viewOf(bytes), 0);
      expect(rtnexthopAttrs.decode(viewOf(bytes), 0, bytes.length)).toEqual(v);
    }), { numRuns: 200 });
  });

  it('encodes RTA_MULTIPATH as struct rtnexthop entries with their attributes', () => {
    const bytes = encodeMessage(fam, {
      name: 'RTM_NEWROUTE',
      header: { family: 2, dstLen: 16, table: 254, type: routeTypes.unicast },
      attrs: { dst: '10.1.0.0', multipath: [{ hops: 1, ifindex: 3, attrs: { gateway: '10.0.0.2' } }, { ifindex: 3, flags: ['onlink'], attrs: { gateway: '10.0.0.3' } }] },
    });
    // RTA_DST, then RTA_MULTIPATH: two 16-byte rtnexthop entries (len, flags, hops, ifindex, RTA_GATEWAY).
    expect(toHex(bytes.subarray(28))).toBe(
      '080001000a010000' + '24000900' + '10000001030000000800050' + '00a000002' + '10000400030000000800050' + '00a000003',
    );
    const [m] = decodeMessages(fam, bytes);
    expect(m!.attrs).toMatchObject({ multipath: [{ flags: [], hops: 1, ifindex: 3, attrs: { gateway: '10.0.0.2' } }, { flags: ['onlink'], hops: 0 }] });
    expect(toRaw(fam, m!).attrs[1]).toEqual(['RTA_MULTIPATH', [
      { rtnh_flags: [], rtnh_hops: 1, rtnh_ifindex: 3, attrs: [['RTA_GATEWAY', '10.0.0.2']] },
      { rtnh_flags: ['onlink'], rtnh_hops: 0, rtnh_ifindex: 3, attrs: [['RTA_GATEWAY', '10.0.0.3']] },
    ]]);
  });

  it('rejects malformed next hops', () => {
    expect(() => multipath.read(viewOf(fromHex('0400000003000000')), 0, 8, undefined)).toThrow(NlDecodeError);
    expect(() => multipath.read(viewOf(fromHex('08000000030000000000')), 0, 10, undefined)).toThrow(/stray bytes/);
    expect(() => encodeMessage(fam, { name: 'RTM_NEWROUTE', attrs: { multipath: [{ weight: 2 } as never] } })).toThrow(NlEncodeError);
  });
});

describe('MPLS label stacks', () => {
  it('put the bottom-of-stack bit on the last label', () => {
    const out = new Uint8Array(8);
    mplsLabels.write([100, 200], viewOf(out), 0, undefined);
    expect(toHex(out)).toBe('00064000000c8100');
    expect(() => mplsLabels.size([0x100000], undefined)).toThrow(NlEncodeError);
  });

  it('keep the bytes of a stack with TTL or TC set', () => {
    // MPLS_IPTUNNEL_DST with TTL 64 in both entries.
    const bytes = fromHex('0c000100000640400' + '00c8140');
    const v = mplsIptunnelAttrs.decode(viewOf(bytes), 0, bytes.length);
    expect(v).toEqual({ dst: [100, 200] });
    const again = new Uint8Array(mplsIptunnelAttrs.size(v));
    mplsIptunnelAttrs.write(v, viewOf(again), 0);
    expect(toHex(again)).toBe(toHex(bytes));
  });
});

describe('SRv6 headers', () => {
  it('decode struct seg6_iptunnel_encap with its segments', () => {
    // SEG6_IPTUNNEL_SRH: mode encap, SRH with fc00::2, fc00::1 (as `encap seg6 mode encap segs fc00::1,fc00::2` sends it).
    const bytes = fromHex('30000100' + '01000000' + '00040401010000' + '00' + 'fc000000000000000000000000000002' + 'fc000000000000000000000000000001');
    const v = seg6IptunnelAttrs.decode(viewOf(bytes), 0, bytes.length);
    expect(v.srh).toEqual({
      mode: 'encap',
      srh: { nexthdr: 0, type: 4, segmentsLeft: 1, firstSegment: 1, flags: 0, tag: 0, segments: ['fc00::2', 'fc00::1'], tlvs: new Uint8Array() },
    });
    const again = new Uint8Array(seg6IptunnelAttrs.size(v));
    seg6IptunnelAttrs.write(v, viewOf(again), 0);
    expect(toHex(again)).toBe(toHex(bytes));
  });

  it('fill in hdrlen and first_segment on encode', () => {
    const v = { type: 4, segmentsLeft: 0, segments: ['2001:db8::1'] };
    const out = new Uint8Array(ipv6SrHdr.size(v, undefined));
    ipv6SrHdr.write(v, viewOf(out), 0, undefined);
    expect(toHex(out.subarray(0, 8))).toBe('0002040000000000');
    expect(() => ipv6SrHdr.size({ segments: ['::1'], tlvs: new Uint8Array(3) }, undefined)).toThrow(/8-byte units/);
  });
});
