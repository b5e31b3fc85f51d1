// Entry point for the browser-bundle test: encode and decode a link message.
import { bytesEqual, decodeMessages, encodeMessage } from '@nlkit/core';
import { rtnl } from '@nlkit/rtnl';

export function roundTrip(): { name: string; ifname: string; mtu: number; same: boolean; nodeGlobals: string[] } {
  const bytes = encodeMessage(rtnl, { name: 'RTM_NEWLINK', seq: 1, header: { index: 2 }, attrs: { ifname: 'eth0', mtu: 1500, linkinfo: { kind: 'veth' } } });
  const [m] = decodeMessages(rtnl, bytes);
  const attrs = m!.attrs as { ifname: string; mtu: number };
  const g = globalThis as Record<string, unknown>;
  return {
    name: m!.name,
    ifname: attrs.ifname,
    mtu: attrs.mtu,
    same: bytesEqual(encodeMessage(rtnl, m as never), bytes),
    nodeGlobals: ['process', 'Buffer', 'require'].filter((k) => k in g),
  };
}
