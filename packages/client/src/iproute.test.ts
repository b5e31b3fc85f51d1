/**
 * IPRoute without a kernel: a scripted transport answers its requests, so
 * name lookups, kernel-side filters, error labels and spec checks are seen
 * on the wire.
 */
import { describe, expect, it } from 'vitest';
import { NLM_F, NetlinkError, decodeMessages, encodeMessage, type AnyInput, type AnyMessage } from '@nlkit/core';
import { rtnl, type Rtnl } from '@nlkit/rtnl';
import type { Inbound, Transport } from '@nlkit/transport';
import { IPRoute, SpecError, getAttr, getField } from './index.js';

type Reply = AnyInput<Rtnl>;
type Handler = (req: AnyMessage<Rtnl>) => Reply[] | { errno: number; message?: string };

/** A transport that answers each request with what `handler` returns (an error, or replies then the ACK or `NLMSG_DONE`). */
function scripted(handler: Handler): Transport & { requests: AnyMessage<Rtnl>[] } {
  const requests: AnyMessage<Rtnl>[] = [];
  const queue: Inbound[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  const push = (msgs: Reply[]): void => {
    for (const m of msgs) queue.push({ bytes: encodeMessage(rtnl, m), group: 0 });
    wake?.();
  };
  return {
    requests,
    info: { protocol: 0, portId: 1234, groups: [] },
    async send(bytes) {
      const [req] = decodeMessages(rtnl, bytes);
      requests.push(req!);
      const { seq, type, flags } = req!;
      const out = handler(req!);
      const echo = { len: bytes.length, type, flags, seq, pid: 0 };
      if (!Array.isArray(out)) {
        push([{ name: 'NLMSG_ERROR', seq, flags: NLM_F.ACK_TLVS | NLM_F.CAPPED, header: { error: -out.errno, msg: echo }, attrs: out.message ? { msg: out.message } : {} }]);
        return;
      }
      const dump = (flags & NLM_F.DUMP) === NLM_F.DUMP;
      const replies = out.map((m) => ({ ...m, seq, flags: dump ? NLM_F.MULTI : 0 }) as Reply);
      if (dump) replies.push({ name: 'NLMSG_DONE', seq, flags: NLM_F.MULTI, header: { error: 0 } });
      else if (flags & NLM_F.ACK) replies.push({ name: 'NLMSG_ERROR', seq, flags: NLM_F.CAPPED, header: { error: 0, msg: echo } });
      push(replies);
    },
    async *receive() {
      while (!closed) {
        if (queue.length) yield queue.shift()!;
        else await new Promise<void>((r) => (wake = r));
      }
    },
    async close() {
      closed = true;
      wake?.();
    },
  };
}

const eth0: Reply = { name: 'RTM_NEWLINK', header: { index: 7, flags: 0x1043 }, attrs: { ifname: 'eth0', mtu: 1500, linkinfo: { kind: 'veth' } as never } };

/** Answers `RTM_GETLINK` for eth0 (index 7) and nothing else; other requests go to `rest`. */
function withEth0(rest: Handler): Handler {
  return (req) => {
    if (req.name !== 'RTM_GETLINK') return rest(req);
    if (req.attrs.ifname === 'eth0' || req.header.index === 7) return [eth0];
    return { errno: 19, message: 'no such device' };
  };
}

describe('IPRoute (scripted transport)', () => {
  it('looks names up with RTM_GETLINK and sends the request with the index', async () => {
    const t = scripted(withEth0(() => []));
    const ipr = new IPRoute(t);
    await ipr.link('set', { index: 'eth0', state: 'up', mtu: 9000 });
    await ipr.route('add', { dst: '10.0.0.0/24', oif: 'eth0' });
    await ipr.close();
    expect(t.requests.map((r) => r.name)).toEqual(['RTM_GETLINK', 'RTM_NEWLINK', 'RTM_GETLINK', 'RTM_NEWROUTE']);
    expect(t.requests[1]).toMatchObject({ flags: NLM_F.REQUEST | NLM_F.ACK, header: { index: 7, flags: 1, change: 1 }, attrs: { mtu: 9000 } });
    expect(t.requests[3]).toMatchObject({ flags: NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.EXCL, header: { dstLen: 24, scope: 253 }, attrs: { dst: '10.0.0.0', oif: 7 } });
  });

  it('names the operation in every error: the kernel\'s, and an unknown device', async () => {
    const t = scripted(withEth0((req) => (req.name === 'RTM_NEWROUTE' ? { errno: 17, message: 'route exists' } : [])));
    const ipr = new IPRoute(t);
    const exists = await ipr.route('add', { dst: '10.0.0.0/24', gateway: '10.9.9.9' }).catch((e: unknown) => e);
    expect(exists).toBeInstanceOf(NetlinkError);
    expect((exists as NetlinkError).message).toMatch(/^route add 10\.0\.0\.0\/24: EEXIST \(File exists\): route exists/);
    const nodev = await ipr.addr('add', { index: 'eth9', address: '10.0.0.1/24' }).catch((e: unknown) => e);
    expect(nodev).toBeInstanceOf(NetlinkError);
    expect((nodev as NetlinkError).message).toMatch(/^address add 10\.0\.0\.1\/24: ENODEV \(No such device\): no device named "eth9" \(index\)/);
    await ipr.close();
  });

  it('checks specs before sending anything', async () => {
    const t = scripted(withEth0(() => []));
    const ipr = new IPRoute(t);
    await expect(ipr.route('add', { dst: '10.0.0.0/24', oif: 'eth0', gateway: 'nope' })).rejects.toThrow(SpecError);
    await expect(ipr.getRoutes({ colour: 'red' } as never)).rejects.toThrow(/unknown field "colour"/);
    expect(t.requests).toEqual([]);
    await ipr.close();
  });

  it('filters dumps in the kernel where it can, then here', async () => {
    const route = (dst: string, len: number, table: number): Reply => ({ name: 'RTM_NEWROUTE', header: { family: 2, dstLen: len, table: table < 256 ? table : 0 }, attrs: { dst, table, oif: 7 } });
    const t = scripted(withEth0((req) => {
      if (req.name !== 'RTM_GETROUTE') return [];
      if (req.attrs.table === 4242) return { errno: 2, message: 'FIB table does not exist' };
      return [route('10.1.0.0', 16, 1000), route('10.2.0.0', 16, 1000)];
    }));
    const ipr = new IPRoute(t);
    const got = await ipr.getRoutes({ family: 'inet', table: 1000, oif: 'eth0', dst: '10.2.0.0/16' });
    expect(got.map((r) => r.attrs.dst)).toEqual(['10.2.0.0']);
    const dump = t.requests.find((r) => r.name === 'RTM_GETROUTE')!;
    expect(dump).toMatchObject({ flags: NLM_F.REQUEST | NLM_F.DUMP, header: { family: 2 }, attrs: { table: 1000, oif: 7 } });
    expect(await ipr.getRoutes({ table: 4242 })).toEqual([]);
    expect((await ipr.getRoutes((r) => r.attrs.dst === '10.1.0.0')).length).toBe(1);
    await ipr.close();
  });

  it('gets one object, and reaches its fields by kernel name', async () => {
    const t = scripted(withEth0(() => []));
    const ipr = new IPRoute(t);
    const link = await ipr.link('get', { ifname: 'eth0' });
    expect(t.requests.at(-1)!.flags).toBe(NLM_F.REQUEST);
    expect(getAttr(link, 'IFLA_MTU')).toBe(1500);
    expect(getAttr(link, 'IFLA_LINKINFO', 'IFLA_INFO_KIND')).toBe('veth');
    expect(getAttr(link, 'IFLA_MASTER')).toBeUndefined();
    expect(getField(link, 'ifi_index')).toBe(7);
    expect(() => getAttr(link, 'RTA_DST')).toThrow(/RTA_DST is not an attribute of RTM_NEWLINK/);
    expect(await ipr.linkLookup({ ifname: 'eth0' })).toEqual([7]);
    expect(await ipr.linkLookup({ ifname: 'eth1' })).toEqual([]);
    await ipr.close();
  });
});
