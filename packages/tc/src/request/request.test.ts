import { describe, expect, it } from 'vitest';
import { decodeMessages, encodeMessage, type AnyInput } from '@nlkit/core';
import { tc, type Tc } from '../family.js';
import { actionRequest } from './action.js';
import { classRequest } from './class.js';
import { chainRequest, filterInfo, filterRequest, parseBpfBytecode } from './filter.js';
import { netemProbability, qdiscRequest } from './qdisc.js';

/** Encodes, decodes, and returns the decoded message (the request must be valid for the schema). */
function roundTrip(req: AnyInput<Tc>): Record<string, any> {
  const [m] = decodeMessages(tc, encodeMessage(tc, req));
  return m as unknown as Record<string, any>;
}

describe('request builders', () => {
  it('qdisc: htb root with a default class', () => {
    const req = qdiscRequest('add', { kind: 'htb', index: 2, handle: '1:', parent: 'root', default: 0x10 });
    expect(req).toEqual({
      name: 'RTM_NEWQDISC',
      flags: 0x605,
      header: { family: 0, ifindex: 2, handle: 0x10000, parent: 0xffffffff, info: 0 },
      attrs: { kind: 'htb', options: { init: { version: 3, rate2quantum: 10, defcls: 0x10, debug: 0, directPkts: 0 } } },
    });
    expect(roundTrip(req).attrs.options.init.defcls).toBe(0x10);
  });

  it('verbs map to tc\'s flags and message types', () => {
    const spec = { kind: 'pfifo', index: 1, parent: 'root' } as const;
    expect(qdiscRequest('replace', spec).flags).toBe(0x505);
    expect(qdiscRequest('change', spec).flags).toBe(0x5);
    expect(qdiscRequest('link', spec).flags).toBe(0x105);
    expect(qdiscRequest('del', spec).name).toBe('RTM_DELQDISC');
    expect(qdiscRequest('dump', { kind: '', index: 0 })).toMatchObject({ name: 'RTM_GETQDISC', flags: 0x301, attrs: {} });
  });

  it('ingress and clsact get their implied parent and handle', () => {
    expect(qdiscRequest('add', { kind: 'ingress', index: 3 }).header).toEqual({ family: 0, ifindex: 3, handle: 0xffff0000, parent: 0xfffffff1, info: 0 });
    expect(qdiscRequest('add', { kind: 'clsact', index: 3 }).attrs).toEqual({ kind: 'clsact' });
  });

  it('class: htb rate and ceil with tc\'s default bursts; 64-bit rates beside the saturated 32-bit ones', () => {
    const req = classRequest('add', { kind: 'htb', index: 2, parent: '1:', classid: '1:10', rate: '10mbit', ceil: '20mbit' });
    const o = roundTrip(req).attrs.options;
    expect(o.parms).toMatchObject({
      rate: { rate: 1250000, cellLog: 3, linklayer: 1, cellAlign: -1 },
      ceil: { rate: 2500000, cellLog: 3 },
      buffer: 20000,
      cbuffer: 10000,
    });
    expect(o.rtab).toHaveLength(256);
    expect(o.rate64).toBeUndefined();
    const fast = roundTrip(classRequest('add', { kind: 'htb', index: 2, parent: '1:', classid: '1:11', rate: '50gbit' })).attrs.options;
    expect(fast.parms.rate.rate).toBe(0xffffffff);
    expect(fast.rate64).toBe(6250000000n);
    expect(fast.ceil64).toBe(6250000000n);
    expect(() => classRequest('add', { kind: 'htb', index: 2, rate: 0 })).toThrow(RangeError);
  });

  it('filter: u32 match with a flowid', () => {
    const req = filterRequest('add', { kind: 'u32', index: 2, parent: '1:', prio: 1, protocol: 'ip', match: ['ip dst 10.0.0.0/8'], classid: '1:10' });
    expect(req.header).toEqual({ family: 0, ifindex: 2, handle: 0, parent: 0x10000, info: 0x00010008 });
    expect(roundTrip(req).attrs.options).toEqual({
      classid: 0x10010,
      sel: { flags: ['terminal'], offshift: 0, offmask: 0, off: 0, offoff: 0, hoff: 0, hmask: 0, keys: [{ mask: 0xff000000, val: 0x0a000000, off: 16, offmask: 0 }] },
    });
    expect(filterInfo(1, 0x0800)).toBe(0x00010008);
  });

  it('filter: ingress u32 redirecting to an ifb', () => {
    const req = filterRequest('add', {
      kind: 'u32', index: 2, parent: 'ffff:', protocol: 'ip', match: 'u32 0 0',
      actions: [{ kind: 'mirred', action: 'egress redirect', ifindex: 7 }],
    });
    const act = roundTrip(req).attrs.options.act;
    expect(act).toEqual([{ kind: 'mirred', options: { parms: { index: 0, capab: 0, action: 'stolen', refcnt: 0, bindcnt: 0, eaction: 'egressRedir', ifindex: 7 } } }]);
  });

  it('filter: flower keys with their masks, the ethertype from the protocol', () => {
    const o = roundTrip(filterRequest('add', {
      kind: 'flower', index: 2, parent: 'ingress', protocol: 'ip', ipProto: 'tcp', dstIp: '10.0.0.0/8', srcIp: '192.168.0.1', dstPort: 80, srcPort: 443,
      actions: [{ kind: 'gact', control: 'drop' }],
    })).attrs.options;
    expect(o).toMatchObject({
      keyEthType: 0x0800, keyIpProto: 6, keyIpv4Dst: '10.0.0.0', keyIpv4DstMask: '255.0.0.0', keyIpv4Src: '192.168.0.1',
      keyIpv4SrcMask: '255.255.255.255', keyTcpDst: 80, keyTcpSrc: 443, flags: [],
    });
    expect(() => filterRequest('add', { kind: 'flower', index: 2, protocol: 'ip', dstPort: 80 })).toThrow(/ip_proto/);
    expect(() => filterRequest('add', { kind: 'flower', index: 2, protocol: 'ip', vlanId: 5 })).toThrow(/802.1q/);
  });

  it('filter: a policer from readable terms', () => {
    const o = roundTrip(filterRequest('add', {
      kind: 'matchall', index: 2, parent: 'ingress', actions: [{ kind: 'police', rate: '1mbit', burst: '10k', conformExceed: 'drop/ok' }],
    })).attrs.options;
    const police = o.act[0].options;
    expect(police.tbf).toMatchObject({ action: 'shot', rate: { rate: 125000 }, burst: 1280000 });
    expect(police.result).toBeUndefined();
    expect(police.rate).toHaveLength(256);
    expect(() => filterRequest('add', { kind: 'matchall', index: 2, actions: [{ kind: 'police', rate: '1mbit' }] })).toThrow(/burst/);
  });

  it('filter: bpf with a classic program from tc\'s bytecode text, or an eBPF fd', () => {
    const o = roundTrip(filterRequest('add', { kind: 'bpf', index: 2, parent: '1:', prio: 5, bytecode: '2,40 0 0 12,6 0 0 4294967295,', classid: '1:10' })).attrs.options;
    expect(o).toEqual({ opsLen: 2, ops: [{ code: 40, jt: 0, jf: 0, k: 12 }, { code: 6, jt: 0, jf: 0, k: 0xffffffff }], classid: 0x10010 });
    expect(parseBpfBytecode('1,6 0 0 0')).toEqual([{ code: 6, jt: 0, jf: 0, k: 0 }]);
    expect(roundTrip(filterRequest('add', { kind: 'bpf', index: 2, fd: 5, directAction: true })).attrs.options).toEqual({ fd: 5, flags: ['actDirect'] });
    expect(() => filterRequest('add', { kind: 'bpf', index: 2 })).toThrow(/one of "fd"/);
    expect(() => parseBpfBytecode('2,6 0 0 0')).toThrow(/announces 2/);
    expect(() => parseBpfBytecode('1,6 0 0')).toThrow(/code jt jf k/);
  });

  it('chains and actions', () => {
    const chain = chainRequest('add', { index: 2, parent: 'ingress', chain: 3, template: { kind: 'flower', protocol: 'ip', ipProto: 'udp' } });
    expect(chain.name).toBe('RTM_NEWCHAIN');
    expect(roundTrip(chain).attrs).toMatchObject({ kind: 'flower', chain: 3, options: { keyIpProto: 17 } });
    expect(roundTrip(actionRequest('del', [{ kind: 'gact', index: 5, control: 'drop' }])).attrs).toEqual({ tab: [{ kind: 'gact', index: 5 }] });
    expect(roundTrip(actionRequest('add', [{ kind: 'vlan', op: 'pop' }])).attrs.tab[0].options.parms.vAction).toBe('pop');
  });

  it('refuses what tc refuses', () => {
    expect(() => qdiscRequest('add', { kind: 'tbf', index: 1, rate: '1mbit', burst: 0, latency: '1ms' })).toThrow(/burst/);
    expect(() => qdiscRequest('add', { kind: 'tbf', index: 1, rate: '1mbit', burst: '1k' })).toThrow(/latency/);
    expect(() => filterRequest('add', { kind: 'u32', parent: '1:' })).toThrow(/ifindex/);
    expect(() => filterRequest('add', { kind: 'matchall', index: 1, skipHw: true, skipSw: true })).toThrow(/exclude/);
    expect(() => filterRequest('add', { kind: 'u32', index: 1, divisor: 3 })).toThrow(/divisor/);
  });

  it('netem probabilities scale percentages to 2^32-1 as tc rounds them', () => {
    expect(netemProbability(100)).toBe(0xffffffff);
    expect(netemProbability('1%')).toBe(42949673);
    expect(netemProbability(0)).toBe(0);
  });
});
