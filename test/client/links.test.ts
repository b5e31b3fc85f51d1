/**
 * pyroute2's link examples with IPRoute, each in a throwaway namespace and
 * checked against `ip -j -d link show`: veth pairs, a bridge and its ports,
 * MAC/MTU/name/state changes, altnames, macvlan and vxlan devices, moving a
 * device to another namespace, lookups, filters and errors.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { NLM_F, NetlinkError } from '@nlkit/core';
import { IPRoute, SpecError, getAttr, getField, linkKind } from '@nlkit/client';
import { ip, ipLink, ipj, isRoot, withClient } from './live-util.js';

describe.skipIf(!isRoot)('IPRoute links', () => {
  it('creates a veth pair and a bridge, and enslaves a port', () =>
    withClient(async (ipr, ns) => {
      await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' });
      await ipr.link('add', { ifname: 'br0', kind: 'bridge', data: { stpState: 'kernel', forwardDelay: 400 } });
      await ipr.link('set', { index: 'veth1', master: 'br0', state: 'up' });
      await ipr.link('set', { index: 'br0', state: 'up' });

      const veth1 = ipLink(ns, 'veth1');
      expect(veth1.master).toBe('br0');
      expect(veth1.flags).toContain('UP');
      expect(veth1.linkinfo.info_kind).toBe('veth');
      expect(veth1.linkinfo.info_slave_kind).toBe('bridge');
      const br0 = ipLink(ns, 'br0');
      expect(br0.linkinfo.info_kind).toBe('bridge');
      expect(br0.linkinfo.info_data.stp_state).toBe(1);
      expect(br0.linkinfo.info_data.forward_delay).toBe(400);
      expect(ipLink(ns, 'veth0').link).toBe('veth1');

      // Kernel-side filters, and the same in nlkit's own view.
      const ports = await ipr.getLinks({ master: 'br0' });
      expect(ports[0]!.flags & NLM_F.DUMP_FILTERED).toBe(NLM_F.DUMP_FILTERED);
      expect(ports.map((l) => l.attrs.ifname)).toEqual(['veth1']);
      expect((await ipr.getLinks({ kind: 'veth' })).map((l) => l.attrs.ifname).sort()).toEqual(['veth0', 'veth1']);
      expect((await ipr.getLinks({ kind: 'veth', state: 'up' })).map((l) => l.attrs.ifname)).toEqual(['veth1']);
      expect(await ipr.linkLookup({ ifname: 'br0' })).toEqual([br0.ifindex]);
      expect(await ipr.linkLookup({ ifname: 'nope0' })).toEqual([]);
      expect(await ipr.linkLookup({ kind: 'bridge' })).toEqual([br0.ifindex]);

      // Release the port.
      await ipr.link('set', { index: 'veth1', master: null });
      expect(ipLink(ns, 'veth1').master).toBeUndefined();
    }));

  it('sets the MAC, MTU, name, state, txqlen, alias and flags', () =>
    withClient(async (ipr, ns) => {
      await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: { ifname: 'veth1', address: '02:00:00:00:00:02', mtu: 1300 } });
      expect(ipLink(ns, 'veth1')).toMatchObject({ address: '02:00:00:00:00:02', mtu: 1300 });
      const [index] = await ipr.linkLookup({ ifname: 'veth0' });
      await ipr.link('set', { index: index!, address: '02:00:00:00:00:01', mtu: 1400, txqlen: 500, alias: 'uplink' });
      await ipr.link('set', { index: index!, ifname: 'v0', state: 'up', promisc: true, arp: false });
      const v0 = ipLink(ns, 'v0');
      expect(v0).toMatchObject({ ifindex: index, address: '02:00:00:00:00:01', mtu: 1400, txqlen: 500, ifalias: 'uplink', promiscuity: 1 });
      expect(v0.flags).toEqual(expect.arrayContaining(['UP', 'NOARP', 'PROMISC']));

      const link = await ipr.link('get', { ifname: 'v0' });
      expect(link.header.index).toBe(index);
      expect(link.attrs).toMatchObject({ ifname: 'v0', mtu: 1400, address: '02:00:00:00:00:01', txqlen: 500, ifalias: 'uplink' });
      expect(getAttr(link, 'IFLA_MTU')).toBe(1400);
      expect(getAttr(link, 'IFLA_LINKINFO', 'IFLA_INFO_KIND')).toBe('veth');
      expect(getField(link, 'ifi_index')).toBe(index);

      await ipr.link('set', { index: 'v0', state: 'down', promisc: false, arp: true });
      expect(ipLink(ns, 'v0').flags).not.toContain('UP');
      expect(ipLink(ns, 'v0').flags).not.toContain('NOARP');
    }));

  it('adds and removes alternative names', () =>
    withClient(async (ipr, ns) => {
      await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' });
      await ipr.link('property_add', { index: 'veth0', altname: ['uplink-to-the-core-router'] });
      expect(ipLink(ns, 'veth0').altnames).toEqual(['uplink-to-the-core-router']);
      expect(await ipr.linkLookup({ altname: 'uplink-to-the-core-router' })).toEqual([ipLink(ns, 'veth0').ifindex]);
      expect((await ipr.link('get', { altname: 'uplink-to-the-core-router' })).attrs.ifname).toBe('veth0');
      await ipr.link('property_del', { index: 'veth0', altname: 'uplink-to-the-core-router' });
      expect(ipLink(ns, 'veth0').altnames).toBeUndefined();
    }));

  it('creates macvlan and vxlan devices with their options', () =>
    withClient(async (ipr, ns) => {
      await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' });
      await ipr.link('add', { ifname: 'mv0', kind: 'macvlan', link: 'veth0', data: { mode: 'bridge' } });
      await ipr.link('add', { ifname: 'vx0', kind: 'vxlan', data: { id: 42, port: 4789, local: '10.0.0.1', learning: 0, ttl: 16 } });
      const mv0 = ipLink(ns, 'mv0');
      expect(mv0.link).toBe('veth0');
      expect(mv0.linkinfo).toMatchObject({ info_kind: 'macvlan', info_data: { mode: 'bridge' } });
      expect(ipLink(ns, 'vx0').linkinfo).toMatchObject({ info_kind: 'vxlan', info_data: { id: 42, port: 4789, local: '10.0.0.1', learning: false, ttl: 16 } });
      const [vx] = await ipr.getLinks({ kind: 'vxlan' });
      expect(linkKind(vx!)).toBe('vxlan');
      expect(getAttr(vx!, 'IFLA_LINKINFO', 'IFLA_INFO_DATA', 'IFLA_VXLAN_ID')).toBe(42);
      await ipr.link('del', { index: 'mv0' });
      expect(ipj(ns, 'link', 'show').map((l: { ifname: string }) => l.ifname)).not.toContain('mv0');
    }));

  it('moves a device to another namespace by name, and creates a peer there', () =>
    withClient(async (ipr, ns) => {
      const other = `nlkit-test-${randomBytes(4).toString('hex')}`;
      execFileSync('ip', ['netns', 'add', other]);
      try {
        await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: { ifname: 'veth1', netns: other } });
        expect(ipj(other, 'link', 'show', 'dev', 'veth1')).toHaveLength(1);
        await ipr.link('add', { ifname: 'veth2', kind: 'veth', peer: 'veth3' });
        await ipr.link('set', { index: 'veth3', netns: other });
        expect(ipj(other, 'link', 'show', 'dev', 'veth3')).toHaveLength(1);
        expect(ipj(ns, 'link', 'show').map((l: { ifname: string }) => l.ifname)).not.toContain('veth3');
        const there = await IPRoute.open({ netns: other });
        try {
          expect((await there.getLinks({ kind: 'veth' })).map((l) => l.attrs.ifname).sort()).toEqual(['veth1', 'veth3']);
        } finally {
          await there.close();
        }
      } finally {
        execFileSync('ip', ['netns', 'del', other]);
      }
    }));

  it('reports the kernel refusals as NetlinkErrors naming the operation', () =>
    withClient(async (ipr, ns) => {
      await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' });
      const dup = await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth9' }).catch((e: unknown) => e);
      expect(dup).toBeInstanceOf(NetlinkError);
      expect((dup as NetlinkError).code).toBe('EEXIST');
      expect((dup as NetlinkError).message).toMatch(/^link add veth0: EEXIST/);

      const missing = await ipr.link('set', { index: 'nosuch0', state: 'up' }).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(NetlinkError);
      expect((missing as NetlinkError).message).toMatch(/^link set nosuch0: ENODEV .*no device named "nosuch0" \(index\)/);

      const unknownKind = await ipr.link('add', { ifname: 'x0', kind: 'nosuchkind' }).catch((e: unknown) => e);
      expect((unknownKind as NetlinkError).message).toMatch(/^link add x0: EOPNOTSUPP/);

      // Bad specs fail before anything is sent.
      await expect(ipr.link('set', { index: 'veth0', mtu: -5 })).rejects.toThrow(SpecError);
      await expect(ipr.link('set', { index: 'veth0', colour: 'red' } as never)).rejects.toThrow(/unknown field "colour"/);
      ip(ns, 'link', 'show', 'dev', 'veth0');
    }));
});
