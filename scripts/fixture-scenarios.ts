/**
 * What `pnpm fixtures:capture` records. Each scenario prepares a fresh
 * network namespace with `ip` commands, then records one exchange with the
 * kernel through nlkit's own live transport and recorder.
 */
import { NLM_F, type AnyFamily } from '@nlkit/core';
import type { NetlinkChannel } from '@nlkit/transport';
import { rtnl } from '@nlkit/rtnl';
import { objectScenarios } from './scenarios-objects.js';
import { tcScenarios } from './scenarios-tc.js';

export interface Scenario {
  /** Path under fixtures/ without extension. */
  name: string;
  description: string;
  family: AnyFamily;
  familyName: string;
  /** `ip` arguments run as `ip -n NS ...` before recording. */
  setup: string[][];
  /** `bridge` arguments run as `bridge -n NS ...` after `setup`. */
  bridgeSetup?: string[][];
  /** `tc` arguments run as `tc -n NS ...` after `bridgeSetup`. */
  tcSetup?: string[][];
  /** The exchange, described for the provenance. */
  exchange: string[];
  run(ch: NetlinkChannel<any>): Promise<void>;
}

/** Drains a dump, tolerating nothing: a failed dump fails the capture. */
async function drain(it: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of it) void _;
}

/** A small, deterministic set of links, addresses and routes. */
const baseSetup: string[][] = [
  ['link', 'set', 'lo', 'up'],
  ['link', 'add', 'v0', 'address', '02:00:00:00:00:01', 'type', 'veth', 'peer', 'name', 'v1', 'address', '02:00:00:00:00:02'],
  ['link', 'add', 'br0', 'address', '02:00:00:00:00:10', 'type', 'bridge'],
  ['link', 'set', 'v1', 'master', 'br0'],
  ['link', 'set', 'v0', 'mtu', '1400', 'up'],
  ['link', 'set', 'v1', 'up'],
  ['link', 'set', 'br0', 'up'],
  ['addr', 'add', '10.0.0.1/24', 'dev', 'v0'],
  ['addr', 'add', '10.0.0.2/24', 'dev', 'v0'],
  ['addr', 'add', 'fd00::1/64', 'dev', 'v0', 'nodad'],
  ['route', 'add', '192.168.10.0/24', 'via', '10.0.0.254', 'dev', 'v0', 'metric', '20'],
  ['route', 'add', 'blackhole', '198.51.100.0/24'],
  ['route', 'add', '203.0.113.0/24', 'via', '10.0.0.254', 'table', '1000'],
];

export const scenarios: Scenario[] = [
  {
    name: 'rtnl/link-dump',
    description: 'RTM_GETLINK dump of a namespace with lo, a veth pair and a bridge',
    family: rtnl,
    familyName: 'rtnl',
    setup: baseSetup,
    exchange: ['RTM_GETLINK dump, AF_UNSPEC'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETLINK', header: { family: 0 } })),
  },
  {
    name: 'rtnl/addr-dump',
    description: 'RTM_GETADDR dump: IPv4 primary and secondary addresses, IPv6 link-local and global',
    family: rtnl,
    familyName: 'rtnl',
    setup: baseSetup,
    exchange: ['RTM_GETADDR dump, AF_UNSPEC'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETADDR', header: { family: 0 } })),
  },
  {
    name: 'rtnl/route-dump',
    description: 'RTM_GETROUTE dump of all IPv4 tables: main, local, table 1000, a blackhole route',
    family: rtnl,
    familyName: 'rtnl',
    setup: baseSetup,
    exchange: ['RTM_GETROUTE dump, AF_INET'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETROUTE', header: { family: 2 } })),
  },
  {
    name: 'rtnl/link-add-exists-error',
    description: 'RTM_NEWLINK for a name that exists: EEXIST with the kernel’s extended-ack message',
    family: rtnl,
    familyName: 'rtnl',
    setup: baseSetup,
    exchange: ['RTM_NEWLINK v0 type veth with NLM_F_CREATE|NLM_F_EXCL, expecting EEXIST'],
    async run(ch) {
      try {
        await ch.request({
          name: 'RTM_NEWLINK',
          flags: NLM_F.CREATE | NLM_F.EXCL,
          attrs: { ifname: 'v0', linkinfo: { kind: 'veth' } },
        });
      } catch (e) {
        if ((e as { code?: string }).code === 'EEXIST') return;
        throw e;
      }
      throw new Error('expected EEXIST');
    },
  },
  {
    name: 'rtnl/link-add-unknown-kind-error',
    description: 'RTM_NEWLINK with an unknown kind: an error whose extended ack names the problem',
    family: rtnl,
    familyName: 'rtnl',
    setup: [],
    exchange: ['RTM_NEWLINK x0 type nlkit-nope with NLM_F_CREATE|NLM_F_EXCL, expecting an error with extended ack'],
    async run(ch) {
      try {
        await ch.request({ name: 'RTM_NEWLINK', flags: NLM_F.CREATE | NLM_F.EXCL, attrs: { ifname: 'x0', linkinfo: { kind: 'nlkit-nope' } } });
      } catch (e) {
        if ((e as { errno?: number }).errno) return;
        throw e;
      }
      throw new Error('expected an error');
    },
  },
];

scenarios.push(...objectScenarios);
scenarios.push(...tcScenarios);
