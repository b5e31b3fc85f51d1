/**
 * The link builders: hand-derived messages, spec errors, and (as root) the
 * same requests as `ip link` sends for the same commands, captured with
 * strace in a throwaway namespace and compared decoded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NLM_F, decodeMessages, encodeMessage } from '@nlkit/core';
import { SpecError, type RtnlRequest } from '../addr/request.js';
import { rtnl } from '../family.js';
import { canRunLive, capture, decodeCapture, ifindex, ip } from '../route/test-util.js';
import { linkRequest } from './request.js';

/** A request as the kernel receives it: with `NLM_F_REQUEST` and `NLM_F_ACK` or `NLM_F_DUMP` as its kind asks, encoded, then decoded. */
function wire(req: RtnlRequest) {
  const m = req.message;
  const extra = req.kind === 'ack' ? NLM_F.ACK : req.kind === 'dump' ? NLM_F.DUMP : 0;
  const [msg] = decodeMessages(rtnl, encodeMessage(rtnl, { ...m, flags: (m.flags ?? 0) | NLM_F.REQUEST | extra } as never));
  return msg!;
}

const zero = { family: 0, type: 0, index: 0, flags: 0, change: 0 };

describe('linkRequest', () => {
  it('creates a veth pair with its peer folded into VETH_INFO_PEER', () => {
    const r = linkRequest('add', { ifname: 'veth0', kind: 'veth', peer: { ifname: 'veth1', address: '02:00:00:00:00:02' }, mtu: 1400 });
    expect(r).toEqual({
      kind: 'ack',
      operation: 'link add veth0',
      message: {
        name: 'RTM_NEWLINK', flags: NLM_F.CREATE | NLM_F.EXCL, header: zero,
        attrs: { ifname: 'veth0', mtu: 1400, linkinfo: { kind: 'veth', data: { peer: { header: zero, attrs: { ifname: 'veth1', address: '02:00:00:00:00:02' } } } } },
      },
    });
    expect(wire(r).attrs).toMatchObject({ linkinfo: { kind: 'veth', data: { peer: { attrs: { ifname: 'veth1' } } } } });
  });

  it('sets state and device flags through ifi_flags/ifi_change', () => {
    expect(linkRequest('set', { index: 3, state: 'up' }).message).toEqual({ name: 'RTM_NEWLINK', flags: 0, header: { ...zero, index: 3, flags: 1, change: 1 }, attrs: {} });
    expect(linkRequest('set', { index: 3, state: 'down', promisc: true, arp: false }).message.header).toEqual({ ...zero, index: 3, flags: 0x180, change: 0x181 });
    expect(linkRequest('set', { index: 3, master: null }).message.attrs).toEqual({ master: 0 });
    expect(linkRequest('set', { index: 3, ifname: 'v0' }).message.attrs).toEqual({ ifname: 'v0' });
    expect(linkRequest('set', { ifname: 'veth0', mtu: 9000 }).message).toMatchObject({ header: { index: 0 }, attrs: { ifname: 'veth0', mtu: 9000 } });
  });

  it('sets port options as `type bridge_slave`, moves devices by namespace fd or pid', () => {
    expect(linkRequest('set', { index: 4, slaveKind: 'bridge', slaveData: { cost: 5 } }).message.attrs).toEqual({ linkinfo: { kind: 'bridge_slave', slaveData: { cost: 5 } } });
    expect(linkRequest('set', { index: 4, netns: { fd: 12 } }).message.attrs).toEqual({ netNsFd: 12 });
    expect(linkRequest('set', { index: 4, netns: { pid: 1 } }).message.attrs).toEqual({ netNsPid: 1 });
  });

  it('gets, deletes and dumps', () => {
    expect(linkRequest('get', { ifname: 'br0' })).toEqual({ kind: 'get', operation: 'link get br0', message: { name: 'RTM_GETLINK', header: zero, attrs: { ifname: 'br0' } } });
    expect(linkRequest('get', { altname: 'a-long-name' }).message.attrs).toEqual({ altIfname: 'a-long-name' });
    expect(linkRequest('del', { index: 7 }).message).toEqual({ name: 'RTM_DELLINK', header: { ...zero, index: 7 }, attrs: {} });
    expect(linkRequest('dump', { master: 4, kind: 'veth' }).message).toEqual({ name: 'RTM_GETLINK', header: { family: 0 }, attrs: { master: 4, linkinfo: { kind: 'veth' } } });
  });

  it('adds and removes alternative names', () => {
    expect(linkRequest('property_add', { index: 3, altname: ['x1', 'x2'] }).message).toEqual({
      name: 'RTM_NEWLINKPROP', flags: NLM_F.CREATE | NLM_F.EXCL | NLM_F.APPEND, header: { ...zero, index: 3 }, attrs: { propList: { altIfname: ['x1', 'x2'] } },
    });
  });

  it('refuses bad specs with the field in the path', () => {
    expect(() => linkRequest('add', { ifname: 'x' })).toThrow(/needs a kind/);
    expect(() => linkRequest('set', { mtu: 1500 })).toThrow(/index or ifname/);
    expect(() => linkRequest('add', { ifname: 'x', kind: 'bridge', peer: 'y' })).toThrow(/peer is for kinds veth, vxcan, netkit/);
    expect(() => linkRequest('set', { index: 3, state: 'UP' as never })).toThrow(/"up" or "down"/);
    expect(() => linkRequest('set', { index: 3, mtu: -1 })).toThrow(SpecError);
    expect(() => linkRequest('del', { index: 3, mtu: 1 })).toThrow(/"mtu" does not apply/);
    expect(() => linkRequest('set', { index: 3, slaveData: { cost: 1 } })).toThrow(/needs slaveKind/);
    expect(() => linkRequest('set', { index: 3, mtus: 1 } as never)).toThrow(/unknown field "mtus"/);
    expect(() => linkRequest('dump', { index: 3 } as never)).toThrow(/unknown field "index"/);
    expect(() => linkRequest('property_add', { index: 3 })).toThrow(/altname/);
    try {
      linkRequest('add', { ifname: 'v', kind: 'veth', peer: { ifname: 'w', mtu: 1.5 } });
    } catch (e) {
      expect((e as SpecError).path).toEqual(['link add v', 'peer', 'mtu']);
    }
  });
});

describe.skipIf(!canRunLive)('linkRequest against `ip link`', () => {
  const ns = `nlkit-test-${Math.random().toString(16).slice(2, 10)}`;
  beforeAll(() => {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', ns, 'link', 'add', 'vA', 'type', 'veth', 'peer', 'name', 'vB');
    ip('-n', ns, 'link', 'set', 'vB', 'master', 'br0');
  });
  afterAll(() => ip('netns', 'del', ns));

  /** The last link request `ip -n NS ARGS` sent (after its own name lookups), decoded. */
  function iproute2(args: string) {
    const cap = capture(['ip', '-n', ns, ...args.split(' ')]);
    expect(cap.status, cap.stderr).toBe(0);
    const sent = decodeCapture(rtnl, cap, 'sent').map((c) => c.msg);
    return sent[sent.length - 1]!;
  }
  const same = (args: string, mine: RtnlRequest) => expect({ ...wire(mine), seq: 0, pid: 0 }, args).toEqual({ ...iproute2(args), seq: 0, pid: 0 });

  it('add veth, bridge, macvlan and vxlan', () => {
    same('link add veth0 type veth peer name veth1', linkRequest('add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' }));
    same(
      'link add br1 mtu 1400 address 02:00:00:00:01:01 txqlen 500 type bridge stp_state 1',
      linkRequest('add', { ifname: 'br1', kind: 'bridge', mtu: 1400, address: '02:00:00:00:01:01', txqlen: 500, data: { stpState: 'kernel' } }),
    );
    same('link add name mv0 link vA type macvlan mode bridge', linkRequest('add', { ifname: 'mv0', kind: 'macvlan', link: ifindex(ns, 'vA'), data: { mode: 'bridge' } }));
    same(
      'link add vx1 type vxlan id 100 dstport 4789 local 10.0.0.1 nolearning',
      linkRequest('add', { ifname: 'vx1', kind: 'vxlan', data: { id: 100, port: 4789, local: '10.0.0.1', learning: 0 } }),
    );
  });
  it('set state, MTU, address, name, master, port options and flags', () => {
    const veth0 = ifindex(ns, 'veth0');
    same('link set veth0 up', linkRequest('set', { index: veth0, state: 'up' }));
    same('link set veth0 mtu 1400 address 02:00:00:00:00:01', linkRequest('set', { index: veth0, mtu: 1400, address: '02:00:00:00:00:01' }));
    same('link set veth0 master br0', linkRequest('set', { index: veth0, master: ifindex(ns, 'br0') }));
    same('link set veth0 type bridge_slave cost 5', linkRequest('set', { index: veth0, slaveKind: 'bridge', slaveData: { cost: 5 } }));
    same('link set veth0 nomaster', linkRequest('set', { index: veth0, master: null }));
    same('link set veth0 promisc on arp off alias hello group 3', linkRequest('set', { index: veth0, promisc: true, arp: false, alias: 'hello', group: 3 }));
    same('link set veth0 down', linkRequest('set', { index: veth0, state: 'down' }));
    same('link set veth0 name v0', linkRequest('set', { index: veth0, ifname: 'v0' }));
    same('link property add dev v0 altname someverylongname0', linkRequest('property_add', { index: veth0, altname: 'someverylongname0' }));
    same('link property del dev v0 altname someverylongname0', linkRequest('property_del', { index: veth0, altname: 'someverylongname0' }));
    same('link del v0', linkRequest('del', { index: veth0 }));
  });
});
