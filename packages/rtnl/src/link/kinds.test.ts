/**
 * Byte tests for the link kinds, built from the kernel's definitions
 * (`rt_link.yaml`, `<linux/if_link.h>`, the drivers' fill_info): encode a
 * realistic `IFLA_LINKINFO`, check exact bytes derived by hand for a few,
 * decode them back and check the round trip for every kind.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, viewOf, type AttrInput } from '@nlkit/core';
import { MACSEC_CIPHER_ID, dataLessLinkKinds, linkDataKinds, linkinfoAttrs, linkSlaveDataKinds } from './index.js';

type LinkinfoInput = AttrInput<typeof linkinfoAttrs.defs>;

function encode(value: LinkinfoInput): Uint8Array {
  const out = new Uint8Array(linkinfoAttrs.size(value));
  linkinfoAttrs.write(value, viewOf(out), 0);
  return out;
}
const decode = (bytes: Uint8Array) => linkinfoAttrs.decode(viewOf(bytes), 0, bytes.length);

function roundTrip(value: LinkinfoInput): void {
  const bytes = encode(value);
  const back = decode(bytes);
  expect(back).toEqual(value);
  expect(toHex(encode(back as LinkinfoInput))).toBe(toHex(bytes));
}

describe('exact bytes', () => {
  it('vlan: id, flags and an 802.1ad protocol (big-endian)', () => {
    const bytes = encode({ kind: 'vlan', data: { id: 5, flags: { flags: ['reorderHdr'], mask: ['reorderHdr'] }, protocol: '8021ad' } });
    expect(toHex(bytes)).toBe(
      '09000100' + '766c616e00' + '000000' + //     IFLA_INFO_KIND "vlan\0", padded
      '20000280' + //                              IFLA_INFO_DATA, 32 bytes, NLA_F_NESTED
      '06000100' + '0500' + '0000' + //             IFLA_VLAN_ID 5
      '0c000200' + '01000000' + '01000000' + //     IFLA_VLAN_FLAGS {REORDER_HDR, mask REORDER_HDR}
      '06000500' + '88a8' + '0000', //              IFLA_VLAN_PROTOCOL ETH_P_8021AD, network order
    );
    expect(decode(bytes)).toEqual({ kind: 'vlan', data: { id: 5, flags: { flags: ['reorderHdr'], mask: ['reorderHdr'] }, protocol: '8021ad' } });
  });

  it('bond: mode and ARP targets numbered from 0', () => {
    const bytes = encode({ kind: 'bond', data: { mode: '802.3ad', arpIpTarget: ['10.0.0.1', '10.0.0.2'] } });
    expect(toHex(bytes)).toBe(
      '09000100' + '626f6e6400' + '000000' + //     IFLA_INFO_KIND "bond\0"
      '20000280' + //                              IFLA_INFO_DATA, 32 bytes
      '05000100' + '04' + '000000' + //             IFLA_BOND_MODE BOND_MODE_8023AD
      '14000880' + //                              IFLA_BOND_ARP_IP_TARGET, nested
      '08000000' + '0a000001' + //                  [0] 10.0.0.1
      '08000100' + '0a000002', //                   [1] 10.0.0.2
    );
  });

  it('gre: key flag and keys in network order', () => {
    const bytes = encode({ kind: 'gre', data: { iflags: ['key'], ikey: 42, local: '10.0.0.1', encapSport: 4789 } });
    expect(toHex(bytes)).toBe(
      '08000100' + '67726500' + //                  IFLA_INFO_KIND "gre\0"
      '24000280' + //                              IFLA_INFO_DATA, 36 bytes
      '06000200' + '2000' + '0000' + //             IFLA_GRE_IFLAGS GRE_KEY (0x2000 big-endian)
      '08000400' + '0000002a' + //                  IFLA_GRE_IKEY 42 big-endian
      '08000600' + '0a000001' + //                  IFLA_GRE_LOCAL 10.0.0.1
      '06001000' + '12b5' + '0000', //              IFLA_GRE_ENCAP_SPORT 4789 big-endian
    );
  });

  it('veth: the peer is an ifinfomsg followed by link attributes', () => {
    const bytes = encode({ kind: 'veth', data: { peer: { header: { family: 0, type: 0, index: 7, flags: 0, change: 0 }, attrs: { ifname: 'v1' } } } });
    expect(toHex(bytes)).toBe(
      '09000100' + '7665746800' + '000000' + //     IFLA_INFO_KIND "veth\0"
      '20000280' + //                              IFLA_INFO_DATA, 32 bytes
      '1c000100' + //                              VETH_INFO_PEER, 28 bytes (not nested: a struct comes first)
      '00000000' + '07000000' + '00000000' + '00000000' + // ifinfomsg, ifi_index 7
      '07000300' + '763100' + '00', //              IFLA_IFNAME "v1\0"
    );
    expect(decode(bytes)).toEqual({ kind: 'veth', data: { peer: { header: { family: 0, type: 0, index: 7, flags: 0, change: 0 }, attrs: { ifname: 'v1' } } } });
  });

  it('vxlan: a ttl inherit flag as sent, or a u8 as dumped', () => {
    const flag = fromHex('0a000100 76786c616e00 0000 10000200 04001c00 06000f00 12b50000'.replace(/ /g, ''));
    // IFLA_INFO_DATA above is not flagged nested (as iproute2 sends it); it still decodes.
    expect(decode(flag)).toEqual({ kind: 'vxlan', data: { ttlInherit: true, port: 4789 } });
    roundTrip({ kind: 'vxlan', data: { ttlInherit: 1 } });
  });
});

/** A realistic `IFLA_INFO_DATA` for every kind this package knows. */
const samples: Record<keyof typeof linkDataKinds, LinkinfoInput['data']> = {
  amt: { mode: 'gateway', relayPort: 2268, gatewayPort: 2268, link: 2, localIp: '192.0.2.1', discoveryIp: '198.51.100.7', maxTunnels: 128 },
  bareudp: { port: 6635, ethertype: 0x8847, srcportMin: 49153, multiprotoMode: true },
  batadv: { algoName: 'BATMAN_IV' },
  bond: {
    mode: 'activeBackup', miimon: 100, updelay: 200, arpIpTarget: ['192.0.2.10'], nsIp6Target: ['2001:db8::1'], arpValidate: 'all',
    primaryReselect: 'better', failOverMac: 'active', adActorSystem: '02:00:00:00:00:01',
    adInfo: { aggregator: 1, numPorts: 2, actorKey: 9, partnerKey: 9, partnerMac: '02:00:00:00:00:02' },
  },
  bridge: {
    forwardDelay: 1500, stpState: 'kernel', priority: 4096, vlanFiltering: 1, vlanProtocol: '8021q', groupAddr: '01:80:c2:00:00:00',
    rootId: { prio: 0x8000, addr: '02:00:00:00:00:01' }, multiBoolopt: { optval: ['noLlLearn'], optmask: ['noLlLearn', 'mstEnable'] },
    mcastRouter: 'tempQuery', helloTimer: 12n, mcastQuerierState: { ipAddress: '192.0.2.1', ipPort: 3, ipOtherTimer: 255n },
  },
  dsa: { conduit: 4 },
  erspan: { iflags: ['seq', 'key'], oflags: ['seq', 'key'], ikey: 10, okey: 10, local: '192.0.2.1', remote: '192.0.2.2', erspanVer: 2, erspanDir: 'egress', erspanHwid: 7 },
  geneve: { id: 77, remote: '192.0.2.9', ttl: 3, port: 6081, label: 0x12345, df: 'inherit', collectMetadata: true },
  gre: { iflags: ['key', 'csum'], ikey: 0x01020304, okey: 0x01020304, local: '192.0.2.1', remote: '192.0.2.2', ttl: 64, pmtudisc: 1, encapType: 'fou', encapFlags: ['csum'], encapDport: 5555 },
  gretap: { local: '192.0.2.1', remote: '192.0.2.2', ignoreDf: 1, collectMetadata: true },
  gtp: { fd0: 3, fd1: 4, pdpHashsize: 1024, role: 'sgsn', createSockets: 1, local: '192.0.2.1', local6: '2001:db8::1' },
  hsr: { slave1: 2, slave2: 3, multicastSpec: 45, supervisionAddr: '01:15:4e:00:01:2d', seqNr: 65000, version: 1, protocol: 'prp', interlink: 4 },
  ip6erspan: { local: '2001:db8::1', remote: '2001:db8::2', erspanVer: 1, erspanIndex: 123 },
  ip6gre: { local: '2001:db8::1', remote: '2001:db8::2', ttl: 32, encapLimit: 4, flowinfo: 0x12345, flags: ['ignEncapLimit', 'useOrigTclass'] },
  ip6gretap: { local: '2001:db8::1', remote: '2001:db8::2', ikey: 7, iflags: ['key'] },
  ip6tnl: { local: '2001:db8::1', remote: '2001:db8::2', ttl: 64, encapLimit: 3, flowinfo: 0xabcde, flags: ['allowLocalRemote'], proto: 'ipv6' },
  ipip: { local: '192.0.2.1', remote: '192.0.2.2', ttl: 10, pmtudisc: 1, proto: 'ipip', encapType: 'gue', encapSport: 1000 },
  ipoib: { pkey: 0x8001, mode: 'connected', umcast: 1 },
  ipvlan: { mode: 'l3s', flags: ['private'] },
  ipvtap: { mode: 'l2', flags: ['vepa'] },
  macsec: { sci: 0x1122334455660001n, icvLen: 16, cipherSuite: MACSEC_CIPHER_ID.GCM_AES_256, window: 32, encrypt: 1, validation: 'strict', offload: 'mac', port: 1 },
  macvlan: { mode: 'source', macaddrMode: 'set', macaddrData: { macaddr: ['02:00:00:00:00:0a', '02:00:00:00:00:0b'] }, macaddrCount: 2, bcCutoff: -1 },
  macvtap: { mode: 'passthru', flags: ['nopromisc'] },
  netkit: { peerInfo: { header: { family: 0, type: 0, index: 0, flags: 0, change: 0 }, attrs: { ifname: 'nk1' } }, primary: 1, policy: 'forward', peerPolicy: 'blackhole', mode: 'l3', scrub: 'default' },
  ppp: { devFd: 5 },
  rmnet: { muxId: 1, flags: { flags: ['ingressDeaggregation', 'egressMapCksumv5'], mask: ['ingressDeaggregation', 'egressMapCksumv5'] } },
  sit: { local: '192.0.2.1', remote: '0.0.0.0', flags: ['isatap'], prefix6rd: '2001:db8::', prefixlen6rd: 32, relayPrefix6rd: '192.0.2.0', relayPrefixlen6rd: 24 },
  tun: { owner: 1000, group: 0xffffffff, type: 'tap', pi: 0, vnetHdr: 1, persist: 1, multiQueue: 1, numQueues: 4, numDisabledQueues: 0 },
  veth: { peer: { header: { family: 0, type: 0, index: 0, flags: 0, change: 0 }, attrs: { ifname: 'v1', mtu: 9000, address: '02:00:00:00:00:02' } } },
  vlan: { id: 100, protocol: '8021q', egressQos: { mapping: [{ from: 1, to: 2 }] }, ingressQos: { mapping: [{ from: 3, to: 4 }] } },
  vrf: { table: 100 },
  vti: { link: 2, ikey: 5, okey: 6, local: '192.0.2.1', remote: '192.0.2.2', fwmark: 9 },
  vti6: { ikey: 9, okey: 9, local: '2001:db8::1', remote: '2001:db8::2' },
  vxcan: { peer: { header: { family: 0, type: 0, index: 0, flags: 0, change: 0 }, attrs: { ifname: 'vc1' } } },
  vxlan: { id: 42, group6: 'ff05::100', link: 2, ttl: 5, port: 4789, portRange: { low: 1000, high: 2000 }, gbp: true, df: 'set', labelPolicy: 'inherit', label: 0x54321 },
  wwan: { linkId: 1 },
  xfrm: { link: 2, ifId: 7, collectMetadata: true },
};

describe('every kind round-trips', () => {
  for (const [kind, data] of Object.entries(samples)) {
    it(kind, () => {
      const value = { kind, data } as LinkinfoInput;
      const bytes = encode(value);
      const back = decode(bytes) as { kind: string; data: unknown };
      // The payload decoded as the kind's attributes, with every value given.
      expect(back.data).not.toBeInstanceOf(Uint8Array);
      expect(back.data).toMatchObject(data as object);
      expect(toHex(encode(back as LinkinfoInput))).toBe(toHex(bytes));
    });
  }

  it('covers every kind in the table', () => {
    expect(Object.keys(samples).sort()).toEqual(Object.keys(linkDataKinds).sort());
  });

  it('slave data follows IFLA_INFO_SLAVE_KIND, or a <kind>_slave request kind', () => {
    roundTrip({ slaveKind: 'bridge', slaveData: { state: 'forwarding', cost: 100, priority: 32, learning: 1, rootId: { prio: 0x8000, addr: '02:00:00:00:00:01' }, flush: true } });
    roundTrip({ slaveKind: 'bond', slaveData: { state: 'backup', miiStatus: 'up', permHwaddr: '02:00:00:00:00:05', queueId: 1, prio: -5 } });
    roundTrip({ slaveKind: 'vrf', slaveData: { table: 10 } });
    roundTrip({ kind: 'bridge_slave', slaveData: { cost: 7 } });
    expect(Object.keys(linkSlaveDataKinds).sort()).toEqual(['bond', 'bridge', 'vrf']);
  });

  it('kinds without data carry only IFLA_INFO_KIND; unknown kinds keep their bytes', () => {
    for (const kind of dataLessLinkKinds) {
      expect(kind in linkDataKinds).toBe(false);
      roundTrip({ kind });
    }
    roundTrip({ kind: 'ovpn', data: fromHex('0500010001000000') });
  });
});
