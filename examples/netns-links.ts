/**
 * Works in a throwaway network namespace with `IPRoute`: creates the
 * namespace (as `ip netns add`), opens an rtnetlink socket inside it, adds a
 * veth pair and an address, lists the links and addresses, shows a refusal
 * as a `NetlinkError`, and deletes the namespace again, whatever happened.
 *
 * Needs root (`CAP_SYS_ADMIN` for the namespace, `CAP_NET_ADMIN` inside it).
 * Run with `node --conditions=@nlkit/source --import tsx examples/netns-links.ts`.
 */
import { NetlinkError } from '@nlkit/core';
import { IPRoute } from '@nlkit/client';
import { withTempNetns } from '@nlkit/live';

await withTempNetns(async (netns) => {
  console.log(`namespace ${netns}`);
  // The socket is created inside the namespace and stays there: every
  // request below acts on that namespace, not on the host's.
  const ipr = await IPRoute.open({ netns });
  try {
    await ipr.link('set', { index: 'lo', state: 'up' });
    await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' });
    await ipr.link('set', { index: 'veth0', state: 'up', mtu: 1400 });
    await ipr.addr('add', { index: 'veth0', address: '10.9.0.1/24' });

    for (const link of await ipr.getLinks()) {
      console.log(`link #${link.header.index} ${link.attrs.ifname} mtu ${link.attrs.mtu} ${link.attrs.operstate}`);
    }
    for (const a of await ipr.getAddr({ index: 'veth0', family: 'inet' })) {
      console.log(`addr ${a.attrs.address}/${a.header.prefixlen} on #${a.header.index}`);
    }

    try {
      await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth2' });
    } catch (e) {
      if (!(e instanceof NetlinkError)) throw e;
      console.log(`refused: code ${e.code}, extack ${JSON.stringify(e.extack.message ?? null)}`);
    }
  } finally {
    await ipr.close();
  }
});
