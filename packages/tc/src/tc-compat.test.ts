/**
 * The request builders against `tc` itself: each case runs a tc command
 * under strace in a throwaway network namespace, decodes the request tc
 * sent, and compares it with what the builder makes of the same friendly
 * spec — decoded values in full, and the computed payloads (rate tables,
 * `struct tc_htb_opt`, `struct tc_u32_sel`, …) byte for byte. Kinds this
 * kernel lacks are still captured: tc sends the request before the kernel
 * refuses it.
 *
 * Needs root (namespaces); skipped otherwise, except under CI where it must run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_LE, decodeMessages, encodeMessage, fromHex, toHex, viewOf, type AnyInput } from '@nlkit/core';
import { tc, type Tc } from './family.js';
import { actionRequest, type ActionSpec } from './request/action.js';
import { classRequest, type ClassSpec } from './request/class.js';
import { chainRequest, filterRequest, type FilterSpec } from './request/filter.js';
import { qdiscRequest, type QdiscSpec } from './request/qdisc.js';
import { clockFromPsched, type TcClock } from './util/rate.js';
import { parseClassid, parseQdiscHandle } from './util/handle.js';
import { parseRate, parseSize, parseTime } from './util/units.js';

/** `Omit` applied to each member of a union. */
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const isRoot = process.getuid?.() === 0;
if (process.env['CI'] === 'true' && !isRoot) throw new Error('the tc comparison tests must run as root under CI');

/** The payloads of the TLVs at `offset..end`, by type (flags masked off), in order. */
function tlvs(bytes: Uint8Array, offset: number, end: number): Map<number, Uint8Array[]> {
  const view = viewOf(bytes);
  const out = new Map<number, Uint8Array[]>();
  for (let pos = offset; pos + 4 <= end; ) {
    const len = view.getUint16(pos, HOST_LE);
    const type = view.getUint16(pos + 2, HOST_LE) & 0x3fff;
    (out.get(type) ?? out.set(type, []).get(type)!).push(bytes.subarray(pos + 4, pos + len));
    pos += (len + 3) & ~3;
  }
  return out;
}

/** The payload of the attribute at `path` (attribute numbers from the message's attributes down). */
function payloadAt(msg: Uint8Array, headerLen: number, attrPath: readonly number[]): Uint8Array {
  let cur = msg.subarray(16 + headerLen);
  for (const t of attrPath) {
    const found = tlvs(cur, 0, cur.length).get(t)?.[0];
    if (!found) throw new Error(`no attribute ${t} on path ${attrPath.join('/')}`);
    cur = found;
  }
  return cur;
}

/** The hex dumps strace writes for each sendmsg, as byte strings. */
function sentBuffers(straceLog: string): Uint8Array[] {
  const out: string[] = [];
  for (const line of straceLog.split('\n')) {
    if (line.startsWith(' | ')) out[out.length - 1] += (line.slice(10, 58).match(/[0-9a-f]{2}/g) ?? []).join('');
    else if (/\bsend(msg|to)\(/.test(line)) out.push('');
  }
  return out.map(fromHex);
}

function tcVersion(): [number, number] {
  const m = /iproute2-(?:ss)?v?(\d+)\.(\d+)/.exec(execFileSync('tc', ['-V']).toString());
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

describe.skipIf(!isRoot)('requests compared with what tc sends', () => {
  const ns = `nlkit-test-${randomBytes(4).toString('hex')}`;
  let dir = '';
  let clock: TcClock;
  let ifindex: Record<string, number> = {};

  beforeAll(() => {
    for (const tool of ['tc', 'strace']) {
      if (spawnSync(tool, ['-V']).status !== 0) throw new Error(`${tool} is needed (apt-get install iproute2 strace)`);
    }
    dir = mkdtempSync(path.join(tmpdir(), 'nlkit-tc-'));
    execFileSync('ip', ['netns', 'add', ns]);
    try {
      execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      execFileSync('ip', ['-n', ns, 'link', 'add', 'ifb0', 'type', 'ifb']);
      execFileSync('ip', ['-n', ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
      const links = JSON.parse(execFileSync('ip', ['-n', ns, '-j', 'link', 'show']).toString()) as { ifname: string; ifindex: number }[];
      ifindex = Object.fromEntries(links.map((l) => [l.ifname, l.ifindex]));
    } catch (e) {
      execFileSync('ip', ['netns', 'del', ns]);
      throw e;
    }
    const [major, minor] = tcVersion();
    clock = clockFromPsched(readFileSync('/proc/net/psched', 'utf8'), major > 6 || (major === 6 && minor >= 14) ? 'ceil' : 'truncate');
  });

  afterAll(() => {
    spawnSync('ip', ['netns', 'del', ns]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The tc request `tc -n NS ARGS` sends (its last message of type `type`). */
  function tcSends(args: string, type: number): Uint8Array {
    const log = path.join(dir, 'strace.log');
    spawnSync('strace', ['-f', '-qq', '-e', 'trace=sendmsg', '-e', 'write=all', '-s', '65535', '-o', log, 'tc', '-n', ns, ...args.split(/\s+/)], { stdio: 'ignore' });
    const sent = sentBuffers(readFileSync(log, 'utf8')).filter((b) => b.length >= 16 && viewOf(b).getUint16(4, HOST_LE) === type);
    if (!sent.length) throw new Error(`tc sent no message of type ${type} for: tc ${args}`);
    return sent[sent.length - 1]!;
  }

  /** Decoded for comparison: everything but the sequence number and port id. */
  function decoded(bytes: Uint8Array): unknown {
    const [m] = decodeMessages(tc, bytes);
    const { seq: _s, pid: _p, ...rest } = m as unknown as Record<string, unknown>;
    return rest;
  }

  /** Our request equals tc's in every decoded value and in length; `paths` are also compared byte for byte. */
  function expectSame(ours: AnyInput<Tc>, theirs: Uint8Array, paths: readonly (readonly number[])[] = [], headerLen = 20): Uint8Array {
    const mine = encodeMessage(tc, ours);
    expect(decoded(mine)).toEqual(decoded(theirs));
    expect(mine.length).toBe(theirs.length);
    expect(toHex(mine.subarray(4, 8)), 'nlmsg_type and flags').toBe(toHex(theirs.subarray(4, 8)));
    expect(toHex(mine.subarray(16, 16 + headerLen)), 'fixed header').toBe(toHex(theirs.subarray(16, 16 + headerLen)));
    for (const p of paths) expect(toHex(payloadAt(mine, headerLen, p)), `attribute ${p.join('/')}`).toBe(toHex(payloadAt(theirs, headerLen, p)));
    return theirs;
  }

  const RTM = { NEWQDISC: 36, NEWTCLASS: 40, NEWTFILTER: 44, NEWACTION: 48 };
  const OPTIONS = 2;

  describe('htb', () => {
    const PARMS = [OPTIONS, 1];
    const RTAB = [OPTIONS, 4];
    const CTAB = [OPTIONS, 3];
    const classes: [string, Omit<Extract<ClassSpec, { kind: 'htb' }>, 'index'>][] = [
      ['rate 10mbit ceil 20mbit', { kind: 'htb', rate: '10mbit', ceil: '20mbit' }],
      ['rate 1mbit', { kind: 'htb', rate: '1mbit' }],
      ['rate 256kbit ceil 1mbit burst 15k cburst 3000 prio 2 quantum 1500', { kind: 'htb', rate: '256kbit', ceil: '1mbit', burst: '15k', cburst: 3000, prio: 2, quantum: 1500 }],
      ['rate 2mbit burst 10kb/16 mtu 9000 mpu 64 overhead 24 linklayer atm', { kind: 'htb', rate: '2mbit', burst: '10kb/16', mtu: 9000, mpu: 64, overhead: 24, linklayer: 'atm' }],
      ['rate 50gbit ceil 100gbit', { kind: 'htb', rate: '50gbit', ceil: '100gbit' }],
      ['rate 40gbit ceil 34359738360bit', { kind: 'htb', rate: '40gbit', ceil: '34359738360bit' }],
      ['rate 800bps', { kind: 'htb', rate: '800bps' }],
    ];
    for (const [args, spec] of classes) {
      it(`class ${args}: tc_htb_opt, rate/ceil tables and default bursts byte for byte`, () => {
        const theirs = tcSends(`class add dev lo parent 1: classid 1:10 htb ${args}`, RTM.NEWTCLASS);
        const ours = classRequest('add', { ...spec, index: ifindex['lo']!, parent: '1:', classid: '1:10' }, clock);
        expectSame(ours, theirs, [PARMS, RTAB, CTAB]);
      });
    }

    it('qdisc: TCA_HTB_INIT with default and r2q, direct_qlen', () => {
      const theirs = tcSends('qdisc add dev lo root handle 1: htb default 10 r2q 5 direct_qlen 100', RTM.NEWQDISC);
      expectSame(qdiscRequest('add', { kind: 'htb', index: ifindex['lo']!, handle: '1:', parent: 'root', default: 0x10, r2q: 5, directQlen: 100 }), theirs, [[OPTIONS, 2], [OPTIONS, 5]]);
    });
  });

  describe('tbf', () => {
    const cases: [string, Omit<Extract<QdiscSpec, { kind: 'tbf' }>, 'index'>][] = [
      ['rate 1mbit burst 32kb latency 400ms', { kind: 'tbf', rate: '1mbit', burst: '32kb', latency: '400ms' }],
      ['rate 10mbit burst 10kb limit 30000 peakrate 20mbit mtu 1600', { kind: 'tbf', rate: '10mbit', burst: '10kb', limit: 30000, peakrate: '20mbit', mtu: 1600 }],
      ['rate 5mbit burst 5k/8 latency 50ms peakrate 8mbit mtu 2k mpu 64 overhead 10 linklayer adsl', { kind: 'tbf', rate: '5mbit', burst: '5k/8', latency: '50ms', peakrate: '8mbit', mtu: '2k', mpu: 64, overhead: 10, linklayer: 'atm' }],
      ['rate 40gbit burst 1mb latency 1ms peakrate 80gbit mtu 64k', { kind: 'tbf', rate: '40gbit', burst: '1mb', latency: '1ms', peakrate: '80gbit', mtu: '64k' }],
    ];
    for (const [args, spec] of cases) {
      it(`${args}: tc_tbf_qopt, rate/peak tables byte for byte`, () => {
        const theirs = tcSends(`qdisc add dev lo root tbf ${args}`, RTM.NEWQDISC);
        const ours = qdiscRequest('add', { ...spec, index: ifindex['lo']! }, clock);
        const paths = [[OPTIONS, 1], [OPTIONS, 2], [OPTIONS, 6]];
        if (spec.peakrate) paths.push([OPTIONS, 3], [OPTIONS, 7]);
        expectSame(ours, theirs, paths);
      });
    }
  });

  describe('u32', () => {
    const SEL = [OPTIONS, 5];
    const cases: [string, Omit<Extract<FilterSpec, { kind: 'u32' }>, 'index'>][] = [
      ['parent 1: protocol ip prio 1 u32 match ip dst 10.0.0.0/8 match tcp dst 80 0xffff flowid 1:10',
        { kind: 'u32', parent: '1:', protocol: 'ip', prio: 1, match: ['ip dst 10.0.0.0/8', 'tcp dport 80 0xffff'], flowid: '1:10' }],
      ['parent 1: protocol ip prio 1 u32 match ip dst 10.0.0.0/8 match ip dport 80 0xffff match udp src 53 0xffff flowid 1:10',
        { kind: 'u32', parent: '1:', protocol: 'ip', prio: 1, match: ['ip dst 10.0.0.0/8', 'ip dport 80 0xffff', 'udp src 53 0xffff'], flowid: '1:10' }],
      ['parent 1: protocol ip prio 2 u32 match ip src 192.168.1.0/24 match ip protocol 6 0xff match ip tos 0x10 0xfc match ip sport 1024 0xfc00 match u32 0x12345678 0xffff0000 at nexthdr+8 match mark 0x10 0xff classid 1:20',
        { kind: 'u32', parent: '1:', protocol: 'ip', prio: 2, match: ['ip src 192.168.1.0/24', 'ip protocol 6 0xff', 'ip tos 0x10 0xfc', 'ip sport 1024 0xfc00', 'u32 0x12345678 0xffff0000 at nexthdr+8', 'mark 0x10 0xff'], classid: '1:20' }],
      ['parent 1: protocol ip prio 3 u32 match u8 0x45 0xff at 0 match u16 0x0800 0xffff at -2 match icmp type 8 0xff match ip nofrag match ip df classid 1:1',
        { kind: 'u32', parent: '1:', protocol: 'ip', prio: 3, match: ['u8 0x45 0xff at 0', 'u16 0x0800 0xffff at -2', 'icmp type 8 0xff', 'ip nofrag', 'ip df'], classid: '1:1' }],
      ['parent 1: protocol ipv6 prio 4 u32 match ip6 dst 2001:db8::/32 match ip6 src 2001:db8:1:2::3 match ip6 sport 53 0xffff match ip6 priority 0x10 0xf0 flowid 1:1',
        { kind: 'u32', parent: '1:', protocol: 'ipv6', prio: 4, match: ['ip6 dst 2001:db8::/32', 'ip6 src 2001:db8:1:2::3', 'ip6 sport 53 0xffff', 'ip6 priority 0x10 0xf0'], flowid: '1:1' }],
      ['parent 1: protocol all prio 5 u32 match ether dst 00:11:22:33:44:55 match ether src aa:bb:cc:dd:ee:ff classid 1:2',
        { kind: 'u32', parent: '1:', protocol: 'all', prio: 5, match: ['ether dst 00:11:22:33:44:55', 'ether src aa:bb:cc:dd:ee:ff'], classid: '1:2' }],
      ['parent 1: prio 6 handle 2: protocol ip u32 divisor 256',
        { kind: 'u32', parent: '1:', prio: 6, handle: '2:', protocol: 'ip', divisor: 256 }],
      ['parent 1: prio 6 protocol ip u32 ht 800:: match ip dst 10.0.0.0/8 hashkey mask 0x000000ff at 16 link 2:',
        { kind: 'u32', parent: '1:', prio: 6, protocol: 'ip', ht: '800::', match: 'ip dst 10.0.0.0/8', hashkey: { mask: 0xff, at: 16 }, link: '2:' }],
      ['parent 1: prio 6 protocol ip handle 2:5:1 u32 ht 2:5: match ip dst 10.0.0.5 flowid 1:5',
        { kind: 'u32', parent: '1:', prio: 6, protocol: 'ip', handle: '2:5:1', ht: '2:5:', match: 'ip dst 10.0.0.5', flowid: '1:5' }],
      ['parent 1: prio 7 protocol ip u32 ht 2: sample ip dst 10.0.0.9 match ip dst 10.0.0.9 flowid 1:9',
        { kind: 'u32', parent: '1:', prio: 7, protocol: 'ip', ht: '2:', sample: { match: 'ip dst 10.0.0.9' }, match: 'ip dst 10.0.0.9', flowid: '1:9' }],
      ['parent 1: prio 8 protocol ip u32 match ip protocol 6 0xff offset at 0 mask 0x0f00 shift 6 plus 0 eat link 3:',
        { kind: 'u32', parent: '1:', prio: 8, protocol: 'ip', match: 'ip protocol 6 0xff', offset: { at: 0, mask: 0x0f00, shift: 6, plus: 0, eat: true }, link: '3:' }],
      ['parent 1: prio 9 protocol ip u32 match ip dst 10.1.0.0/16 indev v1 skip_sw flowid 1:3',
        { kind: 'u32', parent: '1:', prio: 9, protocol: 'ip', match: 'ip dst 10.1.0.0/16', indev: 'v1', skipSw: true, flowid: '1:3' }],
    ];
    for (const [args, spec] of cases) {
      it(`${args.slice(0, 110)}: tc_u32_sel byte for byte`, () => {
        const theirs = tcSends(`filter add dev lo ${args}`, RTM.NEWTFILTER);
        const ours = filterRequest('add', { ...spec, index: ifindex['lo']! } as FilterSpec, clock);
        expectSame(ours, theirs, spec.match ? [SEL] : []);
      });
    }

    it('ingress qdisc, then u32 with a mirred redirect to an ifb', () => {
      const q = tcSends('qdisc add dev v0 ingress', RTM.NEWQDISC);
      expectSame(qdiscRequest('add', { kind: 'ingress', index: ifindex['v0']! }), q);
      const theirs = tcSends('filter add dev v0 parent ffff: protocol ip prio 10 u32 match u32 0 0 action mirred egress redirect dev ifb0', RTM.NEWTFILTER);
      const ours = filterRequest('add', {
        kind: 'u32', index: ifindex['v0']!, parent: 'ffff:', protocol: 'ip', prio: 10, match: 'u32 0 0',
        actions: [{ kind: 'mirred', action: 'egress redirect', ifindex: ifindex['ifb0']! }],
      });
      expectSame(ours, theirs, [[OPTIONS, 5], [OPTIONS, 7, 1, 2, 2]]);
    });

    it('u32 with a classifier policer (police rate … burst … drop)', () => {
      const theirs = tcSends('filter add dev lo parent 1: protocol ip prio 11 u32 match ip src 10.0.0.1 police rate 1mbit burst 10k drop flowid 1:1', RTM.NEWTFILTER);
      const ours = filterRequest('add', {
        kind: 'u32', index: ifindex['lo']!, parent: '1:', protocol: 'ip', prio: 11, match: 'ip src 10.0.0.1',
        police: { rate: '1mbit', burst: '10k', conformExceed: 'drop' }, flowid: '1:1',
      }, clock);
      expectSame(ours, theirs, [[OPTIONS, 5], [OPTIONS, 6, 1], [OPTIONS, 6, 2]]);
    });
  });

  describe('kinds this kernel lacks (tc still sends the request)', () => {
    const qdiscs: [string, Without<QdiscSpec, 'index'>, number[][]][] = [
      ['netem delay 100ms 10ms 25% loss 1% duplicate 0.5% limit 2000 rate 5mbit',
        { kind: 'netem', delay: '100ms', jitter: '10ms', delayCorrelation: 25, loss: 1, duplicate: '0.5%', limit: 2000, rate: '5mbit' }, [[OPTIONS]]],
      ['fq_codel limit 1000 flows 1024 target 5ms interval 100ms quantum 1514 ecn memory_limit 32mb ce_threshold 2ms',
        { kind: 'fq_codel', limit: 1000, flows: 1024, target: '5ms', interval: '100ms', quantum: 1514, ecn: true, memoryLimit: '32mb', ceThreshold: '2ms' }, []],
      ['pfifo limit 100', { kind: 'pfifo', limit: 100 }, [[OPTIONS]]],
      ['bfifo limit 64kb', { kind: 'bfifo', limit: '64kb' }, [[OPTIONS]]],
      ['sfq perturb 10 quantum 1514 limit 127 divisor 1024 depth 64 headdrop', { kind: 'sfq', perturb: 10, quantum: 1514, limit: 127, divisor: 1024, depth: 64, headdrop: true }, [[OPTIONS]]],
    ];
    for (const [args, spec, paths] of qdiscs) {
      it(`qdisc ${args}`, () => {
        const theirs = tcSends(`qdisc add dev lo root ${args}`, RTM.NEWQDISC);
        expectSame(qdiscRequest('add', { ...spec, index: ifindex['lo']! } as QdiscSpec, clock), theirs, paths);
      });
    }

    it('qdisc prio bands 4 (tc adds an empty compat nest after the struct; the kernel reads the struct only)', () => {
      const theirs = tcSends('qdisc add dev lo root handle 1: prio bands 4', RTM.NEWQDISC);
      const mine = encodeMessage(tc, qdiscRequest('add', { kind: 'prio', index: ifindex['lo']!, handle: '1:', bands: 4 }));
      expect(decoded(mine)).toEqual(decoded(theirs));
      const tcOptions = payloadAt(theirs, 20, [OPTIONS]);
      expect(toHex(payloadAt(mine, 20, [OPTIONS]))).toBe(toHex(tcOptions.subarray(0, 20)));
      expect(toHex(tcOptions.subarray(20))).toBe('04000200');
    });

    const filters: [string, (ix: Record<string, number>) => Without<FilterSpec, 'index'>, number[][]][] = [
      ['ingress protocol ip prio 1 flower ip_proto tcp dst_ip 10.0.0.0/8 src_ip 192.168.0.1 dst_port 80 src_port 1000-2000 action drop',
        () => ({ kind: 'flower', parent: 'ingress', protocol: 'ip', prio: 1, ipProto: 'tcp', dstIp: '10.0.0.0/8', srcIp: '192.168.0.1', dstPort: 80, srcPort: '1000-2000', actions: [{ kind: 'gact', control: 'drop' }] }), []],
      ['ingress protocol 802.1q prio 2 flower vlan_id 100 vlan_prio 3 vlan_ethtype ipv6 ip_proto udp dst_port 53 dst_mac 00:11:22:33:44:55 skip_hw classid 1:5',
        () => ({ kind: 'flower', parent: 'ingress', protocol: '802.1q', prio: 2, vlanId: 100, vlanPrio: 3, vlanEthType: 'ipv6', ipProto: 'udp', dstPort: 53, dstMac: '00:11:22:33:44:55', skipHw: true, classid: '1:5' }), [[OPTIONS, 23]]],
      ['egress protocol ip prio 3 flower ip_tos 0x10/0xfc dst_ip 2.2.2.2 action pass',
        () => ({ kind: 'flower', parent: 'egress', protocol: 'ip', prio: 3, ipTos: '0x10/0xfc', dstIp: '2.2.2.2', actions: [{ kind: 'gact', control: 'pass' }] }), []],
      ['ingress prio 4 matchall action police rate 1mbit burst 10k conform-exceed drop/ok',
        () => ({ kind: 'matchall', parent: 'ingress', prio: 4, actions: [{ kind: 'police', rate: '1mbit', burst: '10k', conformExceed: 'drop/ok' }] }), [[OPTIONS, 2, 1, 2, 1], [OPTIONS, 2, 1, 2, 2]]],
      ['ingress prio 5 matchall action police rate 2gbit burst 1m mtu 9000 peakrate 3gbit conform-exceed pipe/continue',
        () => ({ kind: 'matchall', parent: 'ingress', prio: 5, actions: [{ kind: 'police', rate: '2gbit', burst: '1m', mtu: 9000, peakrate: '3gbit', conformExceed: 'pipe/continue' }] }), [[OPTIONS, 2, 1, 2, 1], [OPTIONS, 2, 1, 2, 3]]],
      ['ingress prio 6 matchall skip_sw action skbedit priority 1:5 mark 7 action vlan push id 100 protocol 802.1ad priority 3',
        () => ({ kind: 'matchall', parent: 'ingress', prio: 6, skipSw: true, actions: [{ kind: 'skbedit', priority: '1:5', mark: 7 }, { kind: 'vlan', op: 'push', id: 100, protocol: '802.1ad', priority: 3 }] }), []],
      ['ingress prio 7 protocol ip matchall action mirred ingress mirror dev ifb0 pipe action drop',
        (ix) => ({ kind: 'matchall', parent: 'ingress', prio: 7, protocol: 'ip', actions: [{ kind: 'mirred', action: 'ingress mirror', ifindex: ix['ifb0']!, control: 'pipe' }, { kind: 'gact', control: 'drop' }] }), []],
      ['parent 1: prio 8 handle 7 fw classid 1:7', () => ({ kind: 'fw', parent: '1:', prio: 8, handle: 7, classid: '1:7' }), []],
    ];
    for (const [args, spec, paths] of filters) {
      it(`filter ${args.slice(0, 100)}`, () => {
        const theirs = tcSends(`filter add dev v0 ${args}`, RTM.NEWTFILTER);
        expectSame(filterRequest('add', { ...spec(ifindex), index: ifindex['v0']! } as FilterSpec, clock), theirs, paths);
      });
    }

    const actions: [string, ActionSpec[]][] = [
      ['action drop index 5', [{ kind: 'gact', control: 'drop', index: 5 }]],
      ['action police rate 10mbit burst 100k mtu 2k conform-exceed reclassify/pipe index 3', [{ kind: 'police', rate: '10mbit', burst: '100k', mtu: '2k', conformExceed: ['reclassify', 'pipe'], index: 3 }]],
    ];
    for (const [args, specs] of actions) {
      it(`actions add ${args}`, () => {
        const theirs = tcSends(`actions add ${args}`, RTM.NEWACTION);
        expectSame(actionRequest('add', specs, clock), theirs, [], 4);
      });
    }
  });

  describe('chains', () => {
    it('chain add with and without a flower template, chain del', () => {
      const v0 = ifindex['v0']!;
      const NEWCHAIN = 100;
      expectSame(chainRequest('add', { index: v0, parent: 'ingress', chain: 3 }), tcSends('chain add dev v0 ingress chain 3', NEWCHAIN));
      expectSame(
        chainRequest('add', { index: v0, parent: 'ingress', chain: 4, template: { kind: 'flower', protocol: 'ip', ipProto: 'udp' } }),
        tcSends('chain add dev v0 ingress chain 4 protocol ip flower ip_proto udp', NEWCHAIN),
      );
      expectSame(chainRequest('del', { index: v0, parent: 'ingress', chain: 3 }), tcSends('chain del dev v0 ingress chain 3', NEWCHAIN + 1));
    });
  });

  describe('handles and units read as tc reads them', () => {
    const parents = ['root', '1:', '1:10', 'ffff:', '10:ffff', ':5', 'abcd:ef'];
    for (const parent of parents) {
      it(`qdisc parent ${parent}`, () => {
        const m = tcSends(`qdisc add dev lo parent ${parent} handle 7: pfifo`, RTM.NEWQDISC);
        expect(viewOf(m).getUint32(16 + 12, HOST_LE)).toBe(parseClassid(parent));
      });
    }
    const handles = ['1:', '10', 'ffff:', 'abcd:', '0x12:'];
    for (const handle of handles) {
      it(`qdisc handle ${handle}`, () => {
        const m = tcSends(`qdisc add dev lo parent 1:1 handle ${handle} pfifo`, RTM.NEWQDISC);
        expect(viewOf(m).getUint32(16 + 8, HOST_LE)).toBe(parseQdiscHandle(handle));
      });
    }
    it('ingress and clsact parents', () => {
      const lo = ifindex['lo']!;
      expectSame(qdiscRequest('add', { kind: 'clsact', index: lo }), tcSends('qdisc add dev lo clsact', RTM.NEWQDISC));
      for (const hook of ['ingress', 'egress'] as const) {
        const theirs = tcSends(`filter add dev lo ${hook} prio 1 matchall classid 1:1`, RTM.NEWTFILTER);
        expectSame(filterRequest('add', { kind: 'matchall', index: lo, parent: hook, prio: 1, classid: '1:1' }), theirs);
      }
    });

    const rates = ['1mbit', '10kbit', '1.5gbit', '100kbps', '1mibit', '1000', '8bit', '2Mbit', '1e6bit', '0x100kbit', '3.3MBps', '1tbit', '7KiBps'];
    for (const rate of rates) {
      it(`rate ${rate}`, () => {
        const m = tcSends(`class add dev lo parent 1: classid 1:1 htb rate ${rate}`, RTM.NEWTCLASS);
        const opts = tlvs(payloadAt(m, 20, [OPTIONS]), 0, payloadAt(m, 20, [OPTIONS]).length);
        const r64 = opts.get(6)?.[0];
        const rate32 = viewOf(opts.get(1)![0]!).getUint32(8, HOST_LE);
        expect(r64 ? viewOf(r64).getBigUint64(0, HOST_LE) : BigInt(rate32)).toBe(parseRate(rate));
      });
    }
    const sizes = ['10kb', '1mb', '1500', '64kbit', '2k', '1.5kb', '3m', '1b', '1gbit', '2mbit', '0x800'];
    for (const size of sizes) {
      it(`size ${size}`, () => {
        const m = tcSends(`qdisc add dev lo root tbf rate 1mbit burst ${size} limit 100000`, RTM.NEWQDISC);
        expect(viewOf(payloadAt(m, 20, [OPTIONS, 6])).getUint32(0, HOST_LE)).toBe(parseSize(size));
      });
    }
    const times = ['100ms', '1s', '10us', '2.5ms', '500', '1sec', '3usecs', '0.5s', '7msecs'];
    for (const time of times) {
      it(`time ${time}`, () => {
        const m = tcSends(`qdisc add dev lo root fq_codel target ${time}`, RTM.NEWQDISC);
        expect(viewOf(payloadAt(m, 20, [OPTIONS, 1])).getUint32(0, HOST_LE)).toBe(parseTime(time));
      });
    }
  });
});
