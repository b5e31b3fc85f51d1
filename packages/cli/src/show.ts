/**
 * `nlkit link|addr|route|rule|neigh|fdb|vlan|qdisc|class|filter [show]
 * [filters]`: the kernel's objects as readable tables, or `--json`.
 */
import { IPRoute, type Link } from '@nlkit/client';
import { routeFamily } from '@nlkit/batch';
import type { Family } from '@nlkit/core';
import { TC_H_CLSACT, TC_H_MAKE, TC_H_MIN_EGRESS, TC_H_MIN_INGRESS, parseParent, type Handle } from '@nlkit/tc';
import { NetlinkChannel, type RequestInput } from '@nlkit/transport';
import { keywords, type KeywordKind } from './args.js';
import type { Context } from './context.js';
import { CliError, EXIT, usage } from './errors.js';
import { table, toJson } from './format.js';
import {
  VLAN_HEADERS, addrRenderer, classRenderer, fdbRenderer, filterRenderer, linkRenderer, neighRenderer, qdiscRenderer, routeRenderer, ruleRenderer,
  vlanRows, type Decoded, type DeviceNamer,
} from './render.js';

/** What a show command found: objects for `--json`, and a table. */
interface Shown {
  objects: unknown[];
  headers: readonly string[];
  rows: string[][];
}

/** An object the show commands list. */
export interface ShowObject {
  /** The canonical name (`route`). */
  readonly name: string;
  /** Other spellings `ip` accepts (`r`, `ro`). */
  readonly aliases: readonly string[];
  /** The filter keywords. */
  readonly keywords: Readonly<Record<string, KeywordKind>>;
  /** The keyword a bare word stands for (`nlkit link show eth0`). */
  readonly bare?: string;
  /** Takes `-4`/`-6`. */
  readonly families: boolean;
  /** The man-page style summary of filters, for help. */
  readonly synopsis: string;
  /** What it lists, for help. */
  readonly about: string;
  readonly show: (s: Session, kw: Record<string, string | true>, family: 'inet' | 'inet6' | undefined) => Promise<Shown>;
}

/** The client and device names of one show. */
class Session {
  readonly ipr: IPRoute;
  readonly ctx: Context;
  #links: Link[] | undefined;
  #names = new Map<number, string>();

  constructor(ipr: IPRoute, ctx: Context) {
    this.ipr = ipr;
    this.ctx = ctx;
  }

  /** Every link (dumped once). */
  async links(): Promise<Link[]> {
    if (!this.#links) {
      this.#links = await this.ipr.getLinks();
      for (const l of this.#links) this.#names.set(l.header.index, String(l.attrs.ifname ?? l.header.index));
    }
    return this.#links;
  }

  /** Index → name, after {@link links}. */
  readonly dev: DeviceNamer = (index) => (index === undefined || index === 0 ? '' : this.#names.get(index) ?? `if${index}`);

  /** The index of a device name or number given on the command line. */
  async index(name: string): Promise<number> {
    if (/^\d+$/.test(name)) return Number(name);
    const link = (await this.links()).find((l) => l.attrs.ifname === name);
    if (!link) throw new CliError(EXIT.KERNEL, `device "${name}" does not exist`);
    return link.header.index;
  }

  /** A tc channel: the client's own when it speaks tc, else one on a socket of its own. */
  async tcDump(msg: RequestInput<Family<any>>): Promise<Decoded[]> {
    this.#tc ??= new NetlinkChannel(await this.ctx.openTransport(), routeFamily);
    const out: Decoded[] = [];
    for await (const m of this.#tc.dump(msg as RequestInput<typeof routeFamily>, { operation: `${msg.name} dump` })) {
      if (m.name.startsWith('RTM_NEW')) out.push(m as unknown as Decoded);
    }
    return out;
  }
  #tc: NetlinkChannel<typeof routeFamily> | undefined;

  async close(): Promise<void> {
    await Promise.all([this.ipr.close(), this.#tc?.close()]);
  }
}

const num = (v: string | true | undefined, what: string, command: string): number | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^(\d+|0x[0-9a-f]+)$/i.test(v)) throw usage(`${what} expects a number, got "${String(v)}"`, command);
  return Number(v);
};
const str = (v: string | true | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** The table argument: a number, a name, or `all`. */
function tableArg(v: string | true | undefined, command: string): number | 'main' | 'local' | 'default' | 'all' | undefined {
  if (v === undefined) return undefined;
  if (v === 'all' || v === 'main' || v === 'local' || v === 'default') return v;
  return num(v, 'table', command);
}

async function rows<T>(s: Session, objects: T[], headers: readonly string[], row: (m: T, dev: DeviceNamer) => string[]): Promise<Shown> {
  await s.links();
  return { objects, headers, rows: objects.map((m) => row(m, s.dev)) };
}

/** The devices a tc show covers: one, or all. */
async function devices(s: Session, dev: string | undefined): Promise<number[]> {
  if (dev !== undefined) return [await s.index(dev)];
  return (await s.links()).map((l) => l.header.index);
}

const tcMsg = (name: string, ifindex: number, parent = 0): RequestInput<Family<any>> =>
  ({ name, header: { family: 0, ifindex, handle: 0, parent, info: 0 } }) as RequestInput<Family<any>>;

/** The objects the show commands know, by canonical name. */
export const SHOW_OBJECTS: readonly ShowObject[] = [
  {
    name: 'link',
    aliases: ['l', 'li', 'lin'],
    keywords: { dev: 'value', type: 'value', master: 'value', up: 'flag' },
    bare: 'dev',
    families: false,
    synopsis: '[dev] NAME | type KIND | master DEV | up',
    about: 'network devices (ip link): index, name, operational state, MTU, kind, master, MAC address, flags',
    show: async (s, kw) => {
      const master = str(kw.master);
      const links = await s.ipr.getLinks({
        ...(kw.dev !== undefined ? { ifname: String(kw.dev) } : {}),
        ...(kw.type !== undefined ? { kind: String(kw.type) } : {}),
        ...(master !== undefined ? { master: await s.index(master) } : {}),
        ...(kw.up ? { state: 'up' as const } : {}),
      });
      if (kw.dev !== undefined && links.length === 0) throw new CliError(EXIT.KERNEL, `device "${String(kw.dev)}" does not exist`);
      return rows(s, links, linkRenderer.headers, linkRenderer.row);
    },
  },
  {
    name: 'addr',
    aliases: ['address', 'a', 'ad', 'add', 'addre', 'addres'],
    keywords: { dev: 'value', label: 'value', scope: 'value' },
    bare: 'dev',
    families: true,
    synopsis: '[dev] NAME | label LABEL | scope SCOPE | -4 | -6',
    about: 'IP addresses (ip address): device, family, address/prefix, peer, scope, label, flags',
    show: async (s, kw, family) => {
      const scope = str(kw.scope);
      const addrs = await s.ipr.getAddr({
        ...(kw.dev !== undefined ? { index: await s.index(String(kw.dev)) } : {}),
        ...(family ? { family } : {}),
        ...(kw.label !== undefined ? { label: String(kw.label) } : {}),
        ...(scope !== undefined ? { scope: (scope === 'global' ? 'universe' : /^\d+$/.test(scope) ? Number(scope) : scope) as 'link' } : {}),
      });
      return rows(s, addrs, addrRenderer.headers, addrRenderer.row);
    },
  },
  {
    name: 'route',
    aliases: ['r', 'ro', 'rou', 'rout'],
    keywords: { table: 'value', dev: 'value', proto: 'value', type: 'value', scope: 'value', via: 'value', to: 'value', metric: 'value' },
    bare: 'to',
    families: true,
    synopsis: '[to] PREFIX | table ID|main|local|all | dev DEV | via ADDR | proto PROTO | type TYPE | scope SCOPE | metric N | -4 | -6',
    about: 'routes (ip route), of the main table unless "table" says otherwise: destination, gateway, device, table, protocol, scope, type, metric, preferred source',
    show: async (s, kw, family) => {
      const t = tableArg(kw.table, 'route');
      const scope = str(kw.scope);
      const routes = await s.ipr.getRoutes({
        ...(t === undefined ? { table: 'main' as const } : t === 'all' ? {} : { table: t }),
        ...(family ? { family } : {}),
        ...(kw.dev !== undefined ? { oif: await s.index(String(kw.dev)) } : {}),
        ...(kw.proto !== undefined ? { protocol: (/^\d+$/.test(String(kw.proto)) ? Number(kw.proto) : kw.proto) as 'static' } : {}),
        ...(kw.type !== undefined ? { type: (/^\d+$/.test(String(kw.type)) ? Number(kw.type) : kw.type) as 'unicast' } : {}),
        ...(scope !== undefined ? { scope: (scope === 'global' ? 'universe' : /^\d+$/.test(scope) ? Number(scope) : scope) as 'link' } : {}),
        ...(kw.via !== undefined ? { gateway: String(kw.via) } : {}),
        ...(kw.to !== undefined ? { dst: String(kw.to) } : {}),
        ...(kw.metric !== undefined ? { priority: num(kw.metric, 'metric', 'route')! } : {}),
      });
      return rows(s, routes, routeRenderer.headers, routeRenderer.row);
    },
  },
  {
    name: 'rule',
    aliases: ['ru'],
    keywords: { table: 'value', priority: 'value' },
    families: true,
    synopsis: 'table ID | priority N | -4 | -6',
    about: 'policy routing rules (ip rule): priority, family, selector, action',
    show: async (s, kw, family) => {
      const t = tableArg(kw.table, 'rule');
      const rules = await s.ipr.getRules({
        ...(family ? { family } : {}),
        ...(t !== undefined && t !== 'all' ? { table: t } : {}),
        ...(kw.priority !== undefined ? { priority: num(kw.priority, 'priority', 'rule')! } : {}),
      });
      return rows(s, rules, ruleRenderer.headers, ruleRenderer.row);
    },
  },
  {
    name: 'neigh',
    aliases: ['n', 'ne', 'nei', 'neighbor', 'neighbour'],
    keywords: { dev: 'value', nud: 'value', proxy: 'flag', to: 'value' },
    bare: 'to',
    families: true,
    synopsis: 'dev DEV | [to] ADDR | nud STATE | proxy | -4 | -6',
    about: 'ARP and NDP entries (ip neigh): destination, device, link-layer address, state, flags',
    show: async (s, kw, family) => {
      const neigh = await s.ipr.getNeighbours({
        ...(family ? { family } : {}),
        ...(kw.dev !== undefined ? { index: await s.index(String(kw.dev)) } : {}),
        ...(kw.nud !== undefined ? { state: String(kw.nud).toLowerCase() as 'reachable' } : {}),
        ...(kw.proxy ? { proxy: true } : {}),
        ...(kw.to !== undefined ? { dst: String(kw.to) } : {}),
      });
      return rows(s, neigh, neighRenderer.headers, neighRenderer.row);
    },
  },
  {
    name: 'fdb',
    aliases: [],
    keywords: { dev: 'value', br: 'value', vlan: 'value' },
    families: false,
    synopsis: 'dev DEV | br BRIDGE | vlan VID',
    about: 'bridge forwarding entries (bridge fdb): MAC, device, VLAN, bridge, VXLAN remote, state, flags',
    show: async (s, kw) => {
      const fdb = await s.ipr.getFdb({
        ...(kw.dev !== undefined ? { index: await s.index(String(kw.dev)) } : {}),
        ...(kw.br !== undefined ? { master: await s.index(String(kw.br)) } : {}),
        ...(kw.vlan !== undefined ? { vlan: num(kw.vlan, 'vlan', 'fdb')! } : {}),
      });
      return rows(s, fdb, fdbRenderer.headers, fdbRenderer.row);
    },
  },
  {
    name: 'vlan',
    aliases: [],
    keywords: { dev: 'value' },
    bare: 'dev',
    families: false,
    synopsis: '[dev] DEV',
    about: 'bridge port VLANs (bridge vlan): device, VLAN ids, pvid, untagged',
    show: async (s, kw) => {
      const ports = await s.ipr.getVlans(kw.dev !== undefined ? { index: await s.index(String(kw.dev)) } : {});
      await s.links();
      return { objects: ports, headers: VLAN_HEADERS, rows: ports.flatMap((p) => vlanRows(p, s.dev)) };
    },
  },
  {
    name: 'qdisc',
    aliases: ['q', 'qd'],
    keywords: { dev: 'value', kind: 'value' },
    bare: 'dev',
    families: false,
    synopsis: '[dev] DEV | kind KIND',
    about: 'queueing disciplines (tc qdisc): device, kind, handle, parent',
    show: async (s, kw) => {
      const index = kw.dev !== undefined ? await s.index(String(kw.dev)) : undefined;
      const all = await s.tcDump(tcMsg('RTM_GETQDISC', 0));
      const found = all.filter((q) => (index === undefined || q.header.ifindex === index) && (kw.kind === undefined || q.attrs.kind === kw.kind));
      return rows(s, found, qdiscRenderer.headers, qdiscRenderer.row);
    },
  },
  {
    name: 'class',
    aliases: ['c', 'cl'],
    keywords: { dev: 'value', kind: 'value' },
    bare: 'dev',
    families: false,
    synopsis: '[dev] DEV | kind KIND',
    about: 'traffic classes (tc class): device, kind, class id, parent',
    show: async (s, kw) => {
      const found: Decoded[] = [];
      for (const ifindex of await devices(s, str(kw.dev))) found.push(...(await s.tcDump(tcMsg('RTM_GETTCLASS', ifindex))));
      const kept = found.filter((c) => kw.kind === undefined || c.attrs.kind === kw.kind);
      return rows(s, kept, classRenderer.headers, classRenderer.row);
    },
  },
  {
    name: 'filter',
    aliases: ['f', 'fi', 'filt'],
    keywords: { dev: 'value', parent: 'value', ingress: 'flag', egress: 'flag', kind: 'value' },
    bare: 'dev',
    families: false,
    synopsis: '[dev] DEV | parent HANDLE | ingress | egress | kind KIND',
    about: "filters (tc filter) of every qdisc (and of htb/hfsc/drr classes) unless a parent is given: device, classifier, parent, prio, protocol, handle, chain, class",
    show: async (s, kw) => {
      let parent: number | undefined;
      try {
        if (kw.parent !== undefined) parent = parseParent(String(kw.parent) as Handle, 'filter') >>> 0;
      } catch (e) {
        throw usage(`parent: ${(e as Error).message}`, 'filter');
      }
      if (kw.ingress) parent = TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS) >>> 0;
      if (kw.egress) parent = TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS) >>> 0;
      const found: Decoded[] = [];
      const qdiscs = parent === undefined ? await s.tcDump(tcMsg('RTM_GETQDISC', 0)) : [];
      for (const ifindex of await devices(s, str(kw.dev))) {
        const parents = new Set<number>();
        if (parent !== undefined) parents.add(parent);
        for (const q of qdiscs.filter((q) => q.header.ifindex === ifindex)) {
          const kind = String(q.attrs.kind);
          if (kind === 'clsact') {
            parents.add(TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS) >>> 0);
            parents.add(TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS) >>> 0);
          } else if (q.header.handle) parents.add(q.header.handle >>> 0);
          if (['htb', 'hfsc', 'drr'].includes(kind)) {
            for (const c of await s.tcDump(tcMsg('RTM_GETTCLASS', ifindex))) parents.add(c.header.handle >>> 0);
          }
        }
        for (const p of parents) found.push(...(await s.tcDump(tcMsg('RTM_GETTFILTER', ifindex, p))));
      }
      const kept = found.filter((f) => kw.kind === undefined || f.attrs.kind === kw.kind);
      return rows(s, kept, filterRenderer.headers, filterRenderer.row);
    },
  },
];

/** The show object a word names (`r` is `route`), if any. */
export function showObject(word: string): ShowObject | undefined {
  return SHOW_OBJECTS.find((o) => o.name === word || o.aliases.includes(word));
}

/** What `--json` prints of a decoded message: its kernel name, fixed header and attributes by friendly name. */
export function jsonObject(m: unknown): unknown {
  const d = m as { name: string; header: unknown; attrs: unknown; flags?: number };
  return { name: d.name, header: d.header, attrs: d.attrs };
}

/** Runs a show: dumps with the client in the namespace, prints a table or JSON. */
export async function runShow(ctx: Context, object: ShowObject, words: readonly string[], family: 'inet' | 'inet6' | undefined): Promise<void> {
  if (family && !object.families) throw usage(`${object.name} takes no -4/-6`, object.name);
  const kw = keywords(words, object.keywords, object.name, object.bare !== undefined ? { bare: object.bare } : {});
  const ipr = new IPRoute(await ctx.openTransport({ strictCheck: true }), { timeoutMs: 30_000 });
  const session = new Session(ipr, ctx);
  try {
    const shown = await object.show(session, kw, family);
    if (ctx.json) ctx.io.out(toJson(shown.objects.map(jsonObject)) + '\n');
    else if (shown.rows.length) ctx.io.out(table(shown.headers, shown.rows));
  } finally {
    await session.close();
  }
}
