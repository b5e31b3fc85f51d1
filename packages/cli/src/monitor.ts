/**
 * `nlkit monitor [groups]`: the kernel's rtnetlink notifications, one line
 * each, until Ctrl-C or SIGTERM.
 */
import { routeFamily } from '@nlkit/batch';
import type { Address, Link, Neighbour, Route, Rule } from '@nlkit/client';
import { NetlinkChannel } from '@nlkit/transport';
import type { Context } from './context.js';
import { usage } from './errors.js';
import { jsonReplacer, pairs } from './format.js';
import {
  addrRenderer, classRenderer, fdbRenderer, filterRenderer, linkRenderer, neighRenderer, qdiscRenderer, routeRenderer, ruleRenderer,
  familyName, type Decoded, type Renderer,
} from './render.js';
import { jsonObject } from './show.js';

/** `RTNLGRP_*` numbers (`<linux/rtnetlink.h>`) of each group name `monitor` takes. */
export const MONITOR_GROUPS: Readonly<Record<string, readonly number[]>> = {
  link: [1], // RTNLGRP_LINK
  neigh: [3], // RTNLGRP_NEIGH
  tc: [4], // RTNLGRP_TC
  addr: [5, 9], // RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR
  route: [7, 11], // RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE
  rule: [8, 19], // RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE
  netconf: [24, 25], // RTNLGRP_IPV4_NETCONF, RTNLGRP_IPV6_NETCONF
  mdb: [26], // RTNLGRP_MDB
  nsid: [28], // RTNLGRP_NSID
  nexthop: [32], // RTNLGRP_NEXTHOP
  vlan: [33], // RTNLGRP_BRVLAN
};
/** What `monitor` and `monitor all` listen to. */
export const DEFAULT_GROUPS = ['link', 'addr', 'route', 'rule', 'neigh', 'tc', 'nsid', 'nexthop', 'netconf'] as const;
const ALIASES: Readonly<Record<string, string>> = { address: 'addr', neighbor: 'neigh', neighbour: 'neigh', qdisc: 'tc', class: 'tc', filter: 'tc', fdb: 'neigh' };

const AF_BRIDGE = 7;

/** The object name and one-line text of an event message. */
function describeEvent(m: Decoded, dev: (i: number | undefined) => string): { object: string; text: string } {
  const line = <M>(r: Renderer<M>): string => pairs(r.headers, r.row(m as unknown as M, dev));
  const body = m.name.replace(/^RTM_(NEW|DEL|GET|SET)/, '');
  switch (body) {
    case 'LINK': return { object: 'link', text: line<Link>(linkRenderer) };
    case 'ADDR': return { object: 'addr', text: line<Address>(addrRenderer) };
    case 'ROUTE': return { object: 'route', text: line<Route>(routeRenderer) };
    case 'RULE': return { object: 'rule', text: line<Rule>(ruleRenderer) };
    case 'NEIGH': return m.header.family === AF_BRIDGE ? { object: 'fdb', text: line<Neighbour>(fdbRenderer) } : { object: 'neigh', text: line<Neighbour>(neighRenderer) };
    case 'QDISC': return { object: 'qdisc', text: line(qdiscRenderer) };
    case 'TCLASS': return { object: 'class', text: line(classRenderer) };
    case 'TFILTER': return { object: 'filter', text: line(filterRenderer) };
    default: {
      // Other objects (netconf, nsid, nexthop, ...): their fields as key=value, device indices named.
      const fields = { ...m.header, ...m.attrs } as Record<string, unknown>;
      const text = Object.entries(fields)
        .map(([k, v]) => {
          if (k === 'family' && typeof v === 'number') return `family=${familyName(v)}`;
          if (k === 'ifindex' && typeof v === 'number') return `dev=${dev(v) || v}`;
          const s = typeof v === 'object' && v !== null ? JSON.stringify(v, jsonReplacer) : String(v);
          return `${k}=${s.length > 80 ? `${s.slice(0, 80)}…` : s}`;
        })
        .join(' ');
      return { object: body.toLowerCase() || m.name, text };
    }
  }
}

/** `new`, `del` or the message name, from an event's type. */
function eventKind(name: string): string {
  return name.startsWith('RTM_NEW') ? 'new' : name.startsWith('RTM_DEL') ? 'del' : name.startsWith('RTM_SET') ? 'set' : name;
}

/**
 * Joins the groups named in `words` (all of {@link DEFAULT_GROUPS} when
 * none) and prints each notification as it comes; ends cleanly when
 * `ctx.signal` fires.
 */
export async function runMonitor(ctx: Context, words: readonly string[]): Promise<void> {
  const names = words.length === 0 || words.includes('all') ? [...DEFAULT_GROUPS] : words.map((w) => ALIASES[w] ?? w);
  for (const n of names) if (!Object.hasOwn(MONITOR_GROUPS, n)) throw usage(`unknown group "${n}"; known: ${Object.keys(MONITOR_GROUPS).join(', ')}, all`, 'monitor');
  const groups = [...new Set(names.flatMap((n) => MONITOR_GROUPS[n]!))];
  const channel = new NetlinkChannel(await ctx.openTransport({ groups, strictCheck: false }), routeFamily);
  // Device names for the lines, kept up to date from the link events themselves.
  const devNames = new Map<number, string>();
  const dev = (i: number | undefined): string => (i ? devNames.get(i) ?? `if${i}` : '');
  const onAbort = (): void => void channel.close();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (ctx.signal.aborted) return;
    try {
      for await (const m of channel.dump({ name: 'RTM_GETLINK', header: { family: 0 } } as never)) {
        const l = m as unknown as Decoded;
        if (l.name === 'RTM_NEWLINK') devNames.set(l.header.index, String(l.attrs.ifname));
      }
    } catch {
      // Names are a nicety: lines fall back to ifN.
    }
    ctx.io.err(`nlkit: monitoring ${names.join(', ')}${ctx.netns ? ` in ${ctx.netns}` : ''} (Ctrl-C to stop)\n`);
    for await (const item of channel.events()) {
      if (item.kind === 'overrun') {
        ctx.io.out(ctx.json ? JSON.stringify({ event: 'overrun', lost: item.lost ?? null }) + '\n' : 'overrun: the kernel dropped events (ENOBUFS); state may have changed unseen\n');
        continue;
      }
      if (item.kind === 'error') {
        ctx.io.err(`nlkit: undecodable event: ${(item.error as Error).message}\n`);
        continue;
      }
      const m = item.message as unknown as Decoded;
      if (m.name === 'RTM_NEWLINK') devNames.set(m.header.index, String(m.attrs.ifname));
      const { object, text } = describeEvent(m, dev);
      const event = eventKind(m.name);
      if (ctx.json) ctx.io.out(JSON.stringify({ event, object, group: item.group, message: jsonObject(m) }, jsonReplacer) + '\n');
      else ctx.io.out(`${object} ${event} ${text}\n`);
      if (m.name === 'RTM_DELLINK') devNames.delete(m.header.index);
    }
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    await channel.close();
  }
}
