import { describe, expect, it } from 'vitest';
import { decodeMessages, encodeMessage } from '@nlkit/core';
import { tc } from './family.js';
import {
  actionOptionsOf, classOptionsOf, classXstatsOf, filterOptionsOf, filterPrio, filterProtocol, filterProtocolName, handleOf, htbClassParams,
  parentOf, qdiscOptionsOf, tbfParams, type ClassMessage, type FilterMessage, type QdiscMessage,
} from './read.js';
import { classRequest } from './request/class.js';
import { filterRequest } from './request/filter.js';
import { qdiscRequest } from './request/qdisc.js';
import { formatEthertype, formatRate, formatSize, formatU32Handle } from './util/show.js';

/** What the kernel would dump for a request: the same message decoded as an RTM_NEW*. */
function asDumped<T>(req: { name: string; header?: object; attrs?: object }, name: 'RTM_NEWQDISC' | 'RTM_NEWTCLASS' | 'RTM_NEWTFILTER'): T {
  const [m] = decodeMessages(tc, encodeMessage(tc, { ...req, name } as never));
  return m as T;
}

describe('formatting as tc prints', () => {
  it('rates in decimal units, whole or large', () => {
    expect(formatRate(3_750_000)).toBe('30Mbit');
    expect(formatRate(125_000n)).toBe('1Mbit');
    expect(formatRate(1_234)).toBe('9872bit');
    expect(formatRate(0)).toBe('0bit');
    expect(formatRate(6_250_000_000n)).toBe('50Gbit');
    expect(formatRate(123_456)).toBe('987648bit');
    expect(formatRate(1_234_567_890)).toBe('9876Mbit'); // tc divides while the value is 10^6 or more
  });

  it('sizes in Kb and Mb when close to whole', () => {
    expect(formatSize(15360)).toBe('15Kb');
    expect(formatSize(1593)).toBe('1593b');
    expect(formatSize(1600)).toBe('1600b');
    expect(formatSize(32768)).toBe('32Kb');
    expect(formatSize(20490)).toBe('20Kb');
    expect(formatSize(3 * 1024 * 1024 + 100)).toBe('3Mb');
    expect(formatSize(0)).toBe('0b');
  });

  it('u32 handles and ethertypes', () => {
    expect(formatU32Handle(0x80000800)).toBe('800::800');
    expect(formatU32Handle(0x80000000)).toBe('800:');
    expect(formatU32Handle(0x80102001)).toBe('801:2:1');
    expect(formatU32Handle(0)).toBe('none');
    expect(formatEthertype(0x0800)).toBe('ip');
    expect(formatEthertype(0x0003)).toBe('all');
    expect(formatEthertype(0x8100)).toBe('802.1Q');
    expect(formatEthertype(0x1234)).toBe('[4660]');
  });
});

describe('reading decoded messages', () => {
  it('qdisc: typed options of its kind only, handle and parent as tc prints them', () => {
    const q = asDumped<QdiscMessage>(qdiscRequest('add', { kind: 'htb', index: 2, handle: '1:', default: 0x30 }), 'RTM_NEWQDISC');
    expect(handleOf(q)).toBe('1:');
    expect(parentOf(q)).toBe('root');
    expect(qdiscOptionsOf(q, 'htb')?.init?.defcls).toBe(0x30);
    expect(qdiscOptionsOf(q, 'tbf')).toBeUndefined();
    const ingress = asDumped<QdiscMessage>(qdiscRequest('add', { kind: 'ingress', index: 2 }), 'RTM_NEWQDISC');
    expect([handleOf(ingress), parentOf(ingress)]).toEqual(['ffff:', 'ffff:fff1']);
  });

  it('tbf: rate, burst, limit and latency as tc -d shows them', () => {
    const q = asDumped<QdiscMessage>(qdiscRequest('add', { kind: 'tbf', index: 2, handle: '2:', rate: '1mbit', burst: '32kb', latency: '50ms' }), 'RTM_NEWQDISC');
    // The numbers `tc -r -j -s -d qdisc show` prints for this qdisc.
    // (The kernel keeps no cell size: its dumps say 1, tc's request says 8.)
    expect(tbfParams(q)).toEqual({ rate: 125000n, burst: 32768, buffer: 0x3e8000, cell: 8, limit: 39018, latency: 50000, mpu: 0, linklayer: 'ethernet' });
    expect(tbfParams(asDumped<QdiscMessage>(qdiscRequest('add', { kind: 'htb', index: 2 }), 'RTM_NEWQDISC'))).toBeUndefined();
  });

  it('htb class: rate, ceil, bursts from ticks, prio and quantum', () => {
    const c = asDumped<ClassMessage>(
      classRequest('add', { kind: 'htb', index: 2, parent: '1:1', classid: '1:20', rate: '20mbit', ceil: '50mbit', burst: '15k', cburst: '20k', prio: 2, quantum: 3000 }),
      'RTM_NEWTCLASS',
    );
    expect(handleOf(c)).toBe('1:20');
    expect(parentOf(c)).toBe('1:1');
    const p = htbClassParams(c)!;
    expect(p).toMatchObject({ rate: 2_500_000n, ceil: 6_250_000n, prio: 2, quantum: 3000, level: 0, buffer: 96000, cbuffer: 51187, linklayer: 'ethernet', cell: 8 });
    expect(formatSize(p.burst)).toBe('15Kb');
    expect(formatSize(p.cburst)).toBe('20Kb');
    expect(classOptionsOf(c, 'htb')?.parms?.prio).toBe(2);
    expect(classXstatsOf(c, 'htb')).toBeUndefined();
  });

  it('filter: priority, protocol, handle in the classifier notation, typed options and actions', () => {
    const f = asDumped<FilterMessage>(
      filterRequest('add', {
        kind: 'u32', index: 2, parent: 'ffff:', prio: 3, protocol: 'ip', handle: '800::800', match: 'u32 0 0',
        actions: [{ kind: 'mirred', action: 'egress redirect', ifindex: 7 }],
      }),
      'RTM_NEWTFILTER',
    );
    expect([filterPrio(f), filterProtocol(f), filterProtocolName(f)]).toEqual([3, 0x0800, 'ip']);
    expect(handleOf(f)).toBe('800::800');
    expect(parentOf(f)).toBe('ffff:');
    const u32 = filterOptionsOf(f, 'u32')!;
    expect(u32.sel?.keys).toEqual([{ mask: 0, val: 0, off: 0, offmask: 0 }]);
    expect(actionOptionsOf(u32.act![0]!, 'mirred')?.parms?.ifindex).toBe(7);
    expect(filterOptionsOf(f, 'bpf')).toBeUndefined();
    const bpf = asDumped<FilterMessage>(filterRequest('add', { kind: 'bpf', index: 2, parent: '1:', handle: 1, fd: 3 }), 'RTM_NEWTFILTER');
    expect(handleOf(bpf)).toBe('0x1');
  });
});
