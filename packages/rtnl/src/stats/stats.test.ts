/** Byte tests for link statistics messages (`RTM_GETSTATS`, `RTM_NEWSTATS`). */
import { describe, expect, it } from 'vitest';
import { decodeMessages, encodeMessage, family, toHex } from '@nlkit/core';
import { ifStatsMsg, statsAttrs, statsGetsetAttrs } from './index.js';

const fam = family('stats', 0, {
  RTM_NEWSTATS: { type: 92, header: ifStatsMsg, attrs: statsAttrs },
  RTM_GETSTATS: { type: 94, header: ifStatsMsg, attrs: statsGetsetAttrs },
});

describe('stats messages', () => {
  it('RTM_GETSTATS: if_stats_msg with a filter mask and per-group filters', () => {
    const bytes = encodeMessage(fam, {
      name: 'RTM_GETSTATS', flags: 1, seq: 2,
      header: { ifindex: 3, filterMask: ['link64', 'linkOffloadXstats'] },
      attrs: { getFilters: { linkOffloadXstats: 1 << 2 } },
    });
    expect(toHex(bytes)).toBe(
      '28000000' + '5e00' + '0100' + '02000000' + '00000000' + // nlmsghdr: 40 bytes, RTM_GETSTATS, NLM_F_REQUEST, seq 2
      '00' + '00' + '0000' + '03000000' + '09000000' + //          family, pad1, pad2, ifindex 3, IFLA_STATS_FILTER_BIT(LINK_64 | LINK_OFFLOAD_XSTATS)
      '0c000180' + '08000400' + '04000000', //                     IFLA_STATS_GET_FILTERS { IFLA_STATS_LINK_OFFLOAD_XSTATS: 1 << (L3_STATS - 1) }
    );
    const [back] = decodeMessages(fam, bytes);
    expect(back).toMatchObject({ header: { family: 0, ifindex: 3, filterMask: ['link64', 'linkOffloadXstats'] }, attrs: { getFilters: { linkOffloadXstats: 4 } } });
  });

  it('RTM_NEWSTATS: a bridge port’s STP counters under IFLA_STATS_LINK_XSTATS_SLAVE', () => {
    const stp = { transitionBlk: 1n, transitionFwd: 2n, rxBpdu: 3n, txBpdu: 4n, rxTcn: 5n, txTcn: 6n };
    const bytes = encodeMessage(fam, { name: 'RTM_NEWSTATS', header: { ifindex: 3, filterMask: ['linkXstatsSlave'] }, attrs: { linkXstatsSlave: { bridge: { stp } } } });
    const u64 = (n: number): string => n.toString(16).padStart(2, '0') + '00000000000000';
    expect(toHex(bytes.subarray(28))).toBe(
      '3c000380' + //                      IFLA_STATS_LINK_XSTATS_SLAVE, 60 bytes, nested
      '38000180' + //                      LINK_XSTATS_TYPE_BRIDGE, 56 bytes, nested
      '34000400' + [1, 2, 3, 4, 5, 6].map(u64).join(''), // BRIDGE_XSTATS_STP, struct bridge_stp_xstats
    );
    const [back] = decodeMessages(fam, bytes);
    expect((back!.attrs as { linkXstatsSlave: unknown }).linkXstatsSlave).toEqual({ bridge: { stp } });
  });

  it('RTM_NEWSTATS: offload stats keyed by type, bond LACP counters numbered from 0', () => {
    const filterMask: ('linkXstats' | 'linkOffloadXstats')[] = ['linkXstats', 'linkOffloadXstats'];
    const msg = {
      name: 'RTM_NEWSTATS' as const, seq: 0, pid: 0, flags: 0,
      header: { family: 0, ifindex: 9, filterMask },
      attrs: {
        linkXstats: { bond: { stats3ad: { lacpduRx: 10n, lacpduTx: 11n, markerUnknownRx: 0n } } },
        linkOffloadXstats: { hwSInfo: { l3Stats: { request: 1, used: 0 } } },
        afSpec: { mpls: { link: { rxPackets: 1n, txPackets: 2n, rxBytes: 3n, txBytes: 4n, rxErrors: 0n, txErrors: 0n, rxDropped: 0n, txDropped: 0n, rxNoroute: 5n } } },
      },
    };
    const bytes = encodeMessage(fam, msg);
    const [back] = decodeMessages(fam, bytes);
    expect(back).toEqual({ ...msg, type: 92 });
    expect(toHex(encodeMessage(fam, back as never))).toBe(toHex(bytes));
  });
});
