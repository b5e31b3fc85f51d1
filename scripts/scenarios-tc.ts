/**
 * Fixtures of every tc object this kernel can make (qdiscs htb, tbf with
 * and without a peak rate, ingress, clsact, mq, pfifo, bfifo,
 * pfifo_head_drop, blackhole and the defaults; htb, tbf and mq classes;
 * u32 filters with hash tables, links, hash keys, marks, offsets and a
 * mirred action, classic-BPF filters; a standalone mirred action), dumped
 * object by object; the requests `@nlkit/tc`'s builders make for the same
 * configuration with the kernel's ACKs; and the kernel's refusals, with
 * and without extended ack. Devices get fixed indices (`index N`) so the
 * dumps can name them.
 */
import { NLM_F } from '@nlkit/core';
import { actionRequest, classRequest, filterRequest, qdiscRequest, tc } from '@nlkit/tc';
import type { NetlinkChannel } from '@nlkit/transport';
import type { Scenario } from './fixture-scenarios.js';

/** lo (1), v0 (10) and v1 (11), ifb0 (12), m0 (13) and m1 (14) with two transmit queues each. */
const links: string[][] = [
  ['link', 'set', 'lo', 'up'],
  ['link', 'add', 'v0', 'index', '10', 'address', '02:00:00:00:00:01', 'type', 'veth', 'peer', 'name', 'v1', 'index', '11', 'address', '02:00:00:00:00:02'],
  ['link', 'add', 'ifb0', 'index', '12', 'address', '02:00:00:00:00:03', 'type', 'ifb'],
  ['link', 'add', 'm0', 'index', '13', 'address', '02:00:00:00:00:04', 'numtxqueues', '2', 'type', 'veth', 'peer', 'name', 'm1', 'index', '14', 'address', '02:00:00:00:00:05'],
  ['link', 'set', 'v0', 'up'],
  ['link', 'set', 'v1', 'up'],
  ['link', 'set', 'ifb0', 'up'],
  ['link', 'set', 'm0', 'up'],
  ['link', 'set', 'm1', 'up'],
];

const V0 = 10;
const V1 = 11;
const M0 = 13;
const M1 = 14;
const LO = 1;

/** The configuration of the live tests, and more of what u32 and tbf can hold. */
const tcSetup: string[][] = [
  ['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb', 'default', '30'],
  ['class', 'add', 'dev', 'v0', 'parent', '1:', 'classid', '1:1', 'htb', 'rate', '100mbit', 'ceil', '100mbit'],
  ['class', 'add', 'dev', 'v0', 'parent', '1:1', 'classid', '1:10', 'htb', 'rate', '30mbit', 'ceil', '100mbit', 'prio', '1'],
  ['class', 'add', 'dev', 'v0', 'parent', '1:1', 'classid', '1:20', 'htb', 'rate', '20mbit', 'ceil', '50mbit', 'burst', '15k', 'cburst', '20k', 'prio', '2', 'quantum', '3000'],
  ['class', 'add', 'dev', 'v0', 'parent', '1:1', 'classid', '1:30', 'htb', 'rate', '10mbit', 'ceil', '20mbit', 'prio', '3'],
  ['class', 'add', 'dev', 'v0', 'parent', '1:1', 'classid', '1:40', 'htb', 'rate', '50gbit'],
  ['qdisc', 'add', 'dev', 'v0', 'parent', '1:10', 'handle', '10:', 'pfifo_head_drop', 'limit', '20'],
  ['qdisc', 'add', 'dev', 'v0', 'parent', '1:20', 'handle', '20:', 'pfifo', 'limit', '50'],
  ['qdisc', 'add', 'dev', 'v0', 'parent', '1:30', 'handle', '30:', 'bfifo', 'limit', '64kb'],
  ['qdisc', 'add', 'dev', 'v0', 'parent', '1:40', 'handle', '40:', 'blackhole'],
  ['filter', 'add', 'dev', 'v0', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'dst', '10.9.0.2/32', 'match', 'ip', 'protocol', '17', '0xff', 'match', 'ip', 'dport', '9', '0xffff', 'flowid', '1:10'],
  ['filter', 'add', 'dev', 'v0', 'parent', '1:', 'protocol', 'ip', 'prio', '2', 'u32', 'match', 'ip', 'dst', '10.9.0.3/32', 'flowid', '1:20'],
  ['filter', 'add', 'dev', 'v0', 'parent', '1:', 'protocol', 'ip', 'prio', '3', 'bpf', 'bytecode', '1,6 0 0 4294967295', 'classid', '1:30'],
  ['filter', 'add', 'dev', 'v0', 'parent', '1:', 'protocol', 'ip', 'prio', '4', 'handle', '2:', 'u32', 'divisor', '256'],
  ['filter', 'add', 'dev', 'v0', 'parent', '1:', 'protocol', 'ip', 'prio', '4', 'u32', 'ht', '2:5:', 'match', 'ip', 'dst', '10.9.5.0/24', 'flowid', '1:30'],
  ['filter', 'add', 'dev', 'v0', 'parent', '1:', 'protocol', 'ip', 'prio', '4', 'u32', 'link', '2:', 'hashkey', 'mask', '0x0000ff00', 'at', '16', 'match', 'ip', 'dst', '10.9.0.0/16'],
  ['filter', 'add', 'dev', 'v0', 'parent', '1:', 'protocol', 'ip', 'prio', '5', 'u32', 'match', 'mark', '0x10', '0xff', 'flowid', '1:20'],
  ['filter', 'add', 'dev', 'v0', 'parent', '1:', 'protocol', 'ip', 'prio', '6', 'u32', 'match', 'ip', 'protocol', '6', '0xff', 'match', 'u16', '80', '0xffff', 'at', 'nexthdr+2', 'offset', 'at', '0', 'mask', '0x0f00', 'shift', '6', 'flowid', '1:30'],
  ['filter', 'add', 'dev', 'v0', 'parent', '1:1', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'src', '10.9.0.0/24', 'flowid', '1:30'],
  ['qdisc', 'add', 'dev', 'v1', 'root', 'handle', '2:', 'tbf', 'rate', '1mbit', 'burst', '32kb', 'latency', '50ms'],
  ['qdisc', 'add', 'dev', 'v1', 'handle', 'ffff:', 'ingress'],
  ['filter', 'add', 'dev', 'v1', 'parent', 'ffff:', 'protocol', 'ip', 'u32', 'match', 'u32', '0', '0', 'action', 'mirred', 'egress', 'redirect', 'dev', 'ifb0'],
  ['qdisc', 'add', 'dev', 'm1', 'root', 'handle', '3:', 'tbf', 'rate', '10mbit', 'burst', '64kb', 'limit', '100kb', 'peakrate', '20mbit', 'mtu', '2kb'],
  ['qdisc', 'add', 'dev', 'm0', 'root', 'handle', '1:', 'mq'],
  ['qdisc', 'add', 'dev', 'lo', 'clsact'],
  ['filter', 'add', 'dev', 'lo', 'ingress', 'prio', '1', 'bpf', 'bytecode', '1,6 0 0 0'],
  ['filter', 'add', 'dev', 'lo', 'egress', 'prio', '2', 'protocol', 'all', 'u32', 'match', 'u32', '0', '0', 'action', 'mirred', 'ingress', 'mirror', 'dev', 'ifb0'],
  ['actions', 'add', 'action', 'mirred', 'egress', 'mirror', 'dev', 'ifb0', 'index', '20'],
];

/** Drains a dump, tolerating nothing: a failed dump fails the capture. */
async function drain(it: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of it) void _;
}

/** Sends `req` and expects the kernel to refuse it (the capture keeps the error). */
async function refused(ch: NetlinkChannel<any>, req: object, errno: number): Promise<void> {
  try {
    await ch.request(req as never);
  } catch (e) {
    if ((e as { errno?: number }).errno === errno) return;
    throw e;
  }
  throw new Error(`expected errno ${errno}`);
}

const tcmsg = (ifindex: number, parent = 0) => ({ family: 0, ifindex, handle: 0, parent, info: 0 });

export const tcScenarios: Scenario[] = [
  {
    name: 'tc/qdisc-dump',
    description: 'RTM_GETQDISC dumps: htb with fifo and blackhole leaves, tbf with and without a peak rate, ingress, clsact, mq and its pfifo_fast children, noqueue; then again with TCA_DUMP_INVISIBLE',
    family: tc,
    familyName: 'tc',
    setup: links,
    tcSetup,
    exchange: ['RTM_GETQDISC dump, all devices', 'RTM_GETQDISC dump with TCA_DUMP_INVISIBLE'],
    async run(ch) {
      await drain(ch.dump({ name: 'RTM_GETQDISC', header: tcmsg(0) }));
      await drain(ch.dump({ name: 'RTM_GETQDISC', header: tcmsg(0), attrs: { dumpInvisible: true } }));
    },
  },
  {
    name: 'tc/class-dump',
    description: 'RTM_GETTCLASS dumps: htb classes (inner, leaves, a 64-bit rate) with tc_htb_xstats, tbf\'s class, mq\'s classes',
    family: tc,
    familyName: 'tc',
    setup: links,
    tcSetup,
    exchange: ['RTM_GETTCLASS dump of v0 (htb)', 'of v1 (tbf)', 'of m0 (mq)', 'of m1 (tbf with peakrate)'],
    async run(ch) {
      for (const ifindex of [V0, V1, M0, M1]) await drain(ch.dump({ name: 'RTM_GETTCLASS', header: tcmsg(ifindex) }));
    },
  },
  {
    name: 'tc/filter-dump',
    description: 'RTM_GETTFILTER dumps: u32 (keys, hash tables, links, hash keys, marks, offsets), classic bpf, a u32 on an htb class, an ingress u32 with a mirred redirect, clsact\'s two hooks',
    family: tc,
    familyName: 'tc',
    setup: links,
    tcSetup,
    exchange: [
      'RTM_GETTFILTER dump of v0 parent 1:', 'of v0 parent 1:1', 'of v1 parent ffff:', 'of lo parent ffff:fff2 (clsact ingress)', 'of lo parent ffff:fff3 (clsact egress)',
    ],
    async run(ch) {
      for (const [ifindex, parent] of [[V0, 0x10000], [V0, 0x10001], [V1, 0xffff0000], [LO, 0xfffffff2], [LO, 0xfffffff3]] as const) {
        await drain(ch.dump({ name: 'RTM_GETTFILTER', header: tcmsg(ifindex, parent) }));
      }
    },
  },
  {
    name: 'tc/action-dump',
    description: 'RTM_GETACTION dump of the mirred actions (one bound to a filter, one standalone) with TCA_ACT_FLAG_LARGE_DUMP_ON, as tc actions ls sends it',
    family: tc,
    familyName: 'tc',
    setup: links,
    tcSetup,
    exchange: ['RTM_GETACTION dump, TCA_ROOT_TAB naming mirred, TCA_ROOT_FLAGS large dump'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETACTION', header: { family: 0 }, attrs: { tab: [{ kind: 'mirred' }], flags: { value: 1, selector: 1 } } })),
  },
  {
    name: 'tc/build-requests',
    description: 'The requests @nlkit/tc builds for an htb hierarchy with u32 and bpf filters, a tbf, an ingress qdisc with a mirred redirect and a standalone action, each ACKed',
    family: tc,
    familyName: 'tc',
    setup: links,
    exchange: [
      'RTM_NEWQDISC htb 1: on v0; RTM_NEWTCLASS 1:1, 1:10 (rate/ceil/prio), 1:20 (burst/cburst/quantum), with rate tables',
      'RTM_NEWQDISC pfifo 20: under 1:20; RTM_NEWTFILTER u32 (three keys) and bpf (classic bytecode)',
      'RTM_NEWQDISC tbf 2: and ingress on v1; RTM_NEWTFILTER u32 with mirred egress redirect to ifb0; RTM_NEWACTION mirred index 20',
      'RTM_DELTFILTER prio 2; RTM_DELTCLASS 1:20 after RTM_DELQDISC 20:',
    ],
    async run(ch) {
      const ack = (req: object) => ch.request(req as never);
      await ack(qdiscRequest('add', { kind: 'htb', index: V0, handle: '1:', default: 0x30 }));
      await ack(classRequest('add', { kind: 'htb', index: V0, parent: '1:', classid: '1:1', rate: '100mbit', ceil: '100mbit' }));
      await ack(classRequest('add', { kind: 'htb', index: V0, parent: '1:1', classid: '1:10', rate: '30mbit', ceil: '100mbit', prio: 1 }));
      await ack(classRequest('add', { kind: 'htb', index: V0, parent: '1:1', classid: '1:20', rate: '20mbit', ceil: '50mbit', burst: '15k', cburst: '20k', prio: 2, quantum: 3000 }));
      await ack(qdiscRequest('add', { kind: 'pfifo', index: V0, parent: '1:20', handle: '20:', limit: 50 }));
      await ack(filterRequest('add', { kind: 'u32', index: V0, parent: '1:', prio: 1, protocol: 'ip', match: ['ip dst 10.9.0.2/32', 'ip protocol 17 0xff', 'ip dport 9 0xffff'], flowid: '1:10' }));
      await ack(filterRequest('add', { kind: 'bpf', index: V0, parent: '1:', prio: 2, protocol: 'ip', bytecode: '1,6 0 0 4294967295', classid: '1:20' }));
      await ack(qdiscRequest('add', { kind: 'tbf', index: V1, handle: '2:', rate: '1mbit', burst: '32kb', latency: '50ms' }));
      await ack(qdiscRequest('add', { kind: 'ingress', index: V1 }));
      await ack(filterRequest('add', { kind: 'u32', index: V1, parent: 'ffff:', protocol: 'ip', match: 'u32 0 0', actions: [{ kind: 'mirred', action: 'egress redirect', ifindex: 12 }] }));
      await ack(actionRequest('add', [{ kind: 'mirred', action: 'egress mirror', ifindex: 12, index: 20 }]));
      await ack(filterRequest('del', { kind: 'bpf', index: V0, parent: '1:', prio: 2, protocol: 'ip' }));
      await ack(qdiscRequest('del', { kind: 'pfifo', index: V0, handle: '20:', parent: '1:20' }));
      await ack(classRequest('del', { kind: 'htb', index: V0, classid: '1:20' }));
    },
  },
  {
    name: 'tc/qdisc-add-unknown-kind-error',
    description: 'RTM_NEWQDISC of a kind this kernel lacks (netem): ENOENT, with the extended ack "Specified qdisc kind is unknown"',
    family: tc,
    familyName: 'tc',
    setup: links,
    exchange: ['RTM_NEWQDISC netem 5: root on v0 with NLM_F_CREATE|NLM_F_EXCL, expecting ENOENT with extended ack'],
    run: (ch) => refused(ch, qdiscRequest('add', { kind: 'netem', index: V0, handle: '5:', delay: '10ms', loss: 1 }), 2),
  },
  {
    name: 'tc/filter-add-missing-parent-error',
    description: 'RTM_NEWTFILTER under a qdisc that does not exist: EINVAL, with the extended ack "Parent Qdisc doesn\'t exists"',
    family: tc,
    familyName: 'tc',
    setup: links,
    exchange: ['RTM_NEWTFILTER u32 parent 9: on v0, expecting EINVAL with extended ack'],
    run: (ch) => refused(ch, filterRequest('add', { kind: 'u32', index: V0, parent: '9:', prio: 1, protocol: 'ip', match: 'u32 0 0', flowid: '9:1' }), 22),
  },
  {
    name: 'tc/class-add-missing-qdisc-error',
    description: 'RTM_NEWTCLASS (htb) under a qdisc that does not exist: ENOENT, which this kernel sends without an extended ack',
    family: tc,
    familyName: 'tc',
    setup: links,
    tcSetup: [['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb']],
    exchange: ['RTM_NEWTCLASS htb 7:10 parent 7: on v0, expecting ENOENT'],
    run: (ch) => refused(ch, { ...classRequest('add', { kind: 'htb', index: V0, parent: '7:', classid: '7:10', rate: '1mbit' }), flags: NLM_F.CREATE | NLM_F.EXCL }, 2),
  },
];
