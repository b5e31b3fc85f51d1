/// <reference types="node" />
/**
 * Helpers of the ndb tests: throwaway namespaces, iproute2's JSON view of
 * them, and canonical forms of a namespace's state (from a fresh nlkit
 * dump, or from `ip -j -d`) to compare the database's view against.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { IPRoute, tableOf } from '@nlkit/client';
import type { NDB, View } from '@nlkit/ndb';

import { bridgej, ip, ipj, requireRootInCI, run } from '../live-env.js';

export { bridgej, ip, ipBatch, ipj, isRoot } from '../live-env.js';
requireRootInCI('the live ndb tests');

/** `ip -n NS -batch -` in the background (resolves when it exits; `-force` goes on after errors). */
export function ipBatchAsync(ns: string, lines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('ip', ['-n', ns, '-force', '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d));
    p.on('error', reject);
    p.on('close', () => resolve(void err));
    p.stdin.end(`${lines.join('\n')}\n`);
  });
}


/** Creates `count` namespaces `nlkit-ndb-<random>-<i>` (lo up), runs `fn`, and always deletes them. */
export async function withNamespaces<T>(count: number, fn: (...names: string[]) => Promise<T>): Promise<T> {
  const tag = randomBytes(3).toString('hex');
  const names: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const ns = `nlkit-ndb-${tag}-${i}`;
      run('ip', ['netns', 'add', ns]);
      names.push(ns);
      ip(ns, 'link', 'set', 'lo', 'up');
    }
    return await fn(...names);
  } finally {
    for (const ns of names) {
      try {
        run('ip', ['netns', 'del', ns]);
      } catch {
        // already gone
      }
    }
  }
}

/**
 * Everything `ip -j -d` (and `bridge -j -d fdb`) shows of a namespace, with
 * what changes by itself left out: counters, timers, cache ages, and the
 * entries that traffic makes rather than configuration (the neighbour
 * cache's `NOARP` multicast mappings, created when the host sends an IGMP
 * or MLD report; FDB entries the bridge learnt). To compare a namespace
 * before and after.
 */
export function fullState(ns: string): Record<string, unknown> {
  const drop = (o: unknown, keys: string[]): unknown => {
    if (Array.isArray(o)) return o.map((x) => drop(x, keys));
    if (o && typeof o === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = drop(v, keys);
      return out;
    }
    return o;
  };
  const volatile = ['stats', 'stats64', 'carrier_changes', 'carrier_up_count', 'carrier_down_count', 'hello_timer', 'tcn_timer', 'topology_change_timer', 'gc_timer', 'forward_delay_timer', 'hold_timer', 'message_age_timer', 'used', 'updated', 'confirmed', 'probes', 'mcast_n_groups'];
  // Lists inside an entry (a link's addresses) in a stable order too: a re-added address comes last.
  const inner = (x: unknown): unknown => {
    if (x && typeof x === 'object' && !Array.isArray(x)) {
      const o = { ...(x as Record<string, unknown>) };
      if (Array.isArray(o.addr_info)) o.addr_info = o.addr_info.map((a) => JSON.stringify(a)).sort().map((a) => JSON.parse(a) as unknown);
      return o;
    }
    return x;
  };
  const sorted = (xs: unknown[]): unknown[] => xs.map((x) => JSON.stringify(inner(drop(x, volatile)))).sort().map((s) => JSON.parse(s) as unknown);
  return {
    link: sorted(ipj(ns, '-d', 'link', 'show')),
    addr: sorted(ipj(ns, '-d', 'addr', 'show')),
    route4: sorted(ipj(ns, '-d', 'route', 'show', 'table', 'all')),
    route6: sorted(ipj(ns, '-d', '-6', 'route', 'show', 'table', 'all')),
    rule4: sorted(ipj(ns, '-d', 'rule', 'show')),
    rule6: sorted(ipj(ns, '-d', '-6', 'rule', 'show')),
    neigh: sorted(ipj<any[]>(ns, '-d', 'neigh', 'show', 'nud', 'all').filter((n) => !(n.state?.length === 1 && n.state[0] === 'NOARP'))),
    fdb: sorted(bridgej<any[]>(ns, '-d', 'fdb', 'show').filter((f) => f.state !== '')),
  };
}

// ---------------------------------------------------------------------------
// Canonical forms: a view and a fresh dump, as comparable lines

type Msg = { header: Record<string, any>; attrs: Record<string, any> };

const strip = (m: Msg, attrs: string[]): string => {
  const a: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m.attrs)) if (!attrs.includes(k)) a[k] = v instanceof Uint8Array ? `bytes:${Buffer.from(v).toString('hex')}` : v;
  return JSON.stringify({ h: m.header, a }, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
};

const lines = {
  link: (m: Msg): string => `${m.header.index} ${m.attrs.ifname} mtu=${m.attrs.mtu} up=${m.header.flags & 1} master=${m.attrs.master ?? 0} mac=${m.attrs.address}`,
  addr: (m: Msg): string => `${m.header.index} ${m.header.family} ${m.attrs.local ?? m.attrs.address}/${m.header.prefixlen} peer=${m.attrs.address} label=${m.attrs.label ?? ''}`,
  route: (m: Msg): string => strip(m, ['cacheinfo', 'expires']),
  rule: (m: Msg): string => strip(m, []),
  neigh: (m: Msg): string => `${m.header.family} ${m.header.ifindex} ${m.attrs.dst} ${m.attrs.lladdr ?? ''} state=${m.header.state} flags=${m.header.flags}`,
  fdb: (m: Msg): string => `${m.header.ifindex} ${m.attrs.lladdr} vlan=${m.attrs.vlan ?? ''} master=${m.attrs.master ?? 0} dst=${m.attrs.dst ?? ''} state=${m.header.state} flags=${m.header.flags}`,
};

export interface Canonical {
  link: string[];
  addr: string[];
  route: string[];
  rule: string[];
  neigh: string[];
  fdb: string[];
}

/** A view of one source, as sorted lines. */
export function canonicalView(view: View, source: string): Canonical {
  const of = <T extends { msg: unknown }>(xs: Iterable<T>, f: (m: Msg) => string): string[] => [...xs].map((x) => f(x.msg as Msg)).sort();
  return {
    link: of(view.interfaces.filter({ source }), lines.link),
    addr: of(view.addresses.filter({ source }), lines.addr),
    route: of(view.routes.filter({ source }), lines.route),
    rule: of(view.rules.filter({ source }), lines.rule),
    neigh: of(view.neighbours.filter({ source }), lines.neigh),
    fdb: of(view.fdb.filter({ source }), lines.fdb),
  };
}

/** A fresh dump of a namespace with IPRoute, as the same sorted lines. */
export async function canonicalDump(ns: string): Promise<Canonical> {
  const ipr = await IPRoute.open({ netns: ns, dumpRetries: 10 });
  try {
    const of = (xs: Msg[], f: (m: Msg) => string): string[] => xs.map(f).sort();
    const routes = [...(await ipr.getRoutes({ family: 'inet' })), ...(await ipr.getRoutes({ family: 'inet6' }))].filter((r) => (r.header.flags & 0x200) === 0);
    const rules = [...(await ipr.getRules({ family: 'inet' })), ...(await ipr.getRules({ family: 'inet6' }))];
    // The kernel never announces the NOARP entries it makes for multicast and broadcast addresses; the view leaves them out.
    const automatic = (n: Msg): boolean => n.header.state === 0x40 && typeof n.attrs.lladdr === 'string' && (parseInt(n.attrs.lladdr.slice(0, 2), 16) & 1) === 1;
    const neigh = [
      ...(await ipr.getNeighbours({ family: 'inet' })),
      ...(await ipr.getNeighbours({ family: 'inet6' })),
      ...(await ipr.getNeighbours({ family: 'inet', proxy: true })),
      ...(await ipr.getNeighbours({ family: 'inet6', proxy: true })),
    ];
    return {
      link: of((await ipr.getLinks()) as Msg[], lines.link),
      addr: of((await ipr.getAddr()).filter((a) => a.header.family === 2 || a.header.family === 10) as Msg[], lines.addr),
      route: of(routes as Msg[], lines.route),
      rule: of(rules as Msg[], lines.rule),
      neigh: of((neigh as Msg[]).filter((n) => !automatic(n)), lines.neigh),
      // Nor does it announce the devices' own address lists, which the FDB dump shows as `self permanent` entries.
      fdb: of(((await ipr.getFdb()) as Msg[]).filter((f) => !((f.header.flags & 6) === 2 && f.attrs.master === undefined && f.attrs.dst === undefined && f.header.state === 0x80)), lines.fdb),
    };
  } finally {
    await ipr.close();
  }
}

/** The lines only one side has, per kind: empty when the view equals the dump. */
export function difference(a: Canonical, b: Canonical): Record<string, { onlyView: string[]; onlyDump: string[] }> {
  const out: Record<string, { onlyView: string[]; onlyDump: string[] }> = {};
  for (const k of Object.keys(a) as (keyof Canonical)[]) {
    const sa = new Set(a[k]);
    const sb = new Set(b[k]);
    const onlyView = a[k].filter((x) => !sb.has(x));
    const onlyDump = b[k].filter((x) => !sa.has(x));
    if (onlyView.length || onlyDump.length) out[k] = { onlyView, onlyDump };
  }
  return out;
}

/** Waits until `check()` holds (polling), or fails with `what` after `ms`. */
export async function eventually(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export { tableOf };
export type { NDB };
