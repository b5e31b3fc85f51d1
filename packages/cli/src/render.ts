/**
 * One table row per kernel object, shared by the show commands (`nlkit
 * route`) and `nlkit monitor`: the columns people read in `ip -br`,
 * `bridge` and `tc` output, from decoded messages.
 */
import { bridgeVlans, tableOf, type Address, type Link, type Neighbour, type Route, type Rule } from '@nlkit/client';
import { neighFlags, neighStates, routeProtocols, routeScopes, routeTypes, ruleActions } from '@nlkit/rtnl';
import { TC_H_ROOT, formatHandle } from '@nlkit/tc';
import { bitNames, nameOf } from './format.js';

/** Names of devices by index, for columns that name a device. */
export type DeviceNamer = (index: number | undefined) => string;

/** A decoded message of any kind, as far as the renderers look at it. */
export interface Decoded {
  name: string;
  header: Record<string, any>;
  attrs: Record<string, any>;
}

/** A table: headers and how one object becomes a row. */
export interface Renderer<M> {
  readonly headers: readonly string[];
  row(m: M, dev: DeviceNamer): string[];
}

const AF = { 2: 'inet', 10: 'inet6', 7: 'bridge', 0: 'unspec', 28: 'mpls', 128: 'ipmr', 129: 'ip6mr' } as Record<number, string>;
/** `IFF_*` (`ifi_flags`), in the order `ip link` prints them. */
const IFF = {
  BROADCAST: 0x2, LOOPBACK: 0x8, POINTOPOINT: 0x10, NOARP: 0x80, PROMISC: 0x100, ALLMULTI: 0x200, MASTER: 0x400, SLAVE: 0x800,
  MULTICAST: 0x1000, DYNAMIC: 0x8000, UP: 0x1, LOWER_UP: 0x10000, DORMANT: 0x20000, ECHO: 0x40000,
} as const;
const TABLES: Record<string, number> = { main: 254, local: 255, default: 253 };
/** `ip`'s names for scopes (`universe` is `global`). */
const SCOPES: Record<string, number> = { ...routeScopes, global: 0 };
delete SCOPES.universe;

/** A table id as `ip` prints it. */
export function tableName(id: number): string {
  return nameOf(id, TABLES);
}
/** A scope as `ip` prints it. */
export function scopeName(s: number): string {
  return nameOf(s, SCOPES);
}
/** An address family as `ip` prints it. */
export function familyName(f: number): string {
  return AF[f] ?? String(f);
}

function kindOf(l: Link): string {
  return (l.attrs.linkinfo as { kind?: string } | undefined)?.kind ?? '';
}

/** `ip link`: one row per device. */
export const linkRenderer: Renderer<Link> = {
  headers: ['INDEX', 'NAME', 'STATE', 'MTU', 'KIND', 'MASTER', 'ADDRESS', 'FLAGS'],
  row(l, dev) {
    return [
      String(l.header.index),
      String(l.attrs.ifname ?? ''),
      String(l.attrs.operstate ?? '').toUpperCase(),
      l.attrs.mtu === undefined ? '' : String(l.attrs.mtu),
      kindOf(l),
      l.attrs.master ? dev(l.attrs.master) : '',
      String(l.attrs.address ?? ''),
      bitNames(l.header.flags, IFF).join(','),
    ];
  },
};

/** `ip address`: one row per address. */
export const addrRenderer: Renderer<Address> = {
  headers: ['DEV', 'FAMILY', 'ADDRESS', 'PEER', 'SCOPE', 'LABEL', 'FLAGS'],
  row(a, dev) {
    const local = a.attrs.local ?? a.attrs.address;
    const peer = a.attrs.local !== undefined && a.attrs.address !== undefined && a.attrs.address !== a.attrs.local ? `${a.attrs.address}/${a.header.prefixlen}` : '';
    return [
      dev(a.header.index),
      familyName(a.header.family),
      peer ? String(local) : `${String(local)}/${a.header.prefixlen}`,
      peer,
      scopeName(a.header.scope),
      String(a.attrs.label ?? ''),
      ((a.attrs.flags as string[] | undefined) ?? []).join(','),
    ];
  },
};

/** A route's gateways: `RTA_GATEWAY`, `RTA_VIA`, or each next hop's. */
function gateways(r: Route, dev: DeviceNamer): { via: string; devs: string } {
  if (r.attrs.multipath?.length) {
    const hops = r.attrs.multipath.map((nh) => ({ via: String(nh.attrs.gateway ?? nh.attrs.via?.addr ?? ''), dev: nh.ifindex ? dev(nh.ifindex) : '' }));
    return { via: hops.map((h) => h.via || '-').join(','), devs: hops.map((h) => h.dev || '-').join(',') };
  }
  return { via: String(r.attrs.gateway ?? r.attrs.via?.addr ?? ''), devs: r.attrs.oif ? dev(r.attrs.oif) : '' };
}

/** `ip route`: one row per route. */
export const routeRenderer: Renderer<Route> = {
  headers: ['DST', 'GATEWAY', 'DEV', 'TABLE', 'PROTO', 'SCOPE', 'TYPE', 'METRIC', 'PREFSRC'],
  row(r, dev) {
    const dst = r.header.dstLen === 0 && r.attrs.dst === undefined ? 'default' : `${String(r.attrs.dst)}/${r.header.dstLen}`;
    const src = r.attrs.src !== undefined ? ` from ${String(r.attrs.src)}/${r.header.srcLen}` : '';
    const g = gateways(r, dev);
    return [
      dst + src,
      g.via,
      g.devs,
      tableName(tableOf(r)),
      nameOf(r.header.protocol, routeProtocols),
      scopeName(r.header.scope),
      nameOf(r.header.type, routeTypes),
      r.attrs.priority === undefined ? '' : String(r.attrs.priority),
      String(r.attrs.prefsrc ?? ''),
    ];
  },
};

/** `ip rule`: one row per rule. */
export const ruleRenderer: Renderer<Rule> = {
  headers: ['PRIO', 'FAMILY', 'SELECTOR', 'ACTION'],
  row(r) {
    const a = r.attrs as Record<string, any>;
    const sel: string[] = [];
    sel.push(`from ${r.header.srcLen ? `${String(a.src)}/${r.header.srcLen}` : 'all'}`);
    if (r.header.dstLen) sel.push(`to ${String(a.dst)}/${r.header.dstLen}`);
    if (a.iifname) sel.push(`iif ${String(a.iifname)}`);
    if (a.oifname) sel.push(`oif ${String(a.oifname)}`);
    if (a.fwmark !== undefined) sel.push(`fwmark 0x${(a.fwmark as number).toString(16)}${a.fwmask !== undefined ? `/0x${(a.fwmask as number).toString(16)}` : ''}`);
    if (a.ipproto !== undefined) sel.push(`ipproto ${String(a.ipproto)}`);
    if (r.header.tos) sel.push(`tos 0x${r.header.tos.toString(16)}`);
    const act = nameOf(r.header.action, ruleActions);
    const action = act === 'toTbl' ? `lookup ${tableName(tableOf(r))}` : act === 'goto' ? `goto ${String(a.goto)}` : act;
    return [String(a.priority ?? 0), familyName(r.header.family), sel.join(' '), action];
  },
};

/** `ip neigh`: one row per entry. */
export const neighRenderer: Renderer<Neighbour> = {
  headers: ['DST', 'DEV', 'LLADDR', 'STATE', 'FLAGS'],
  row(n, dev) {
    return [
      String(n.attrs.dst ?? ''),
      dev(n.header.ifindex),
      String(n.attrs.lladdr ?? ''),
      (n.header.state === 0 ? ['NONE'] : bitNames(n.header.state, neighStates).map((s) => s.toUpperCase())).join(','),
      bitNames(n.header.flags, neighFlags).join(','),
    ];
  },
};

/** `bridge fdb`: one row per entry. */
export const fdbRenderer: Renderer<Neighbour> = {
  headers: ['LLADDR', 'DEV', 'VLAN', 'MASTER', 'DST', 'STATE', 'FLAGS'],
  row(n, dev) {
    const a = n.attrs as Record<string, any>;
    const s = n.header.state;
    const state = s & neighStates.permanent ? 'permanent' : s & neighStates.noarp ? 'static' : s & neighStates.stale ? 'stale' : 'dynamic';
    return [
      String(a.lladdr ?? ''),
      dev(n.header.ifindex),
      a.vlan === undefined ? '' : String(a.vlan),
      a.master ? dev(a.master) : '',
      String(a.dst ?? ''),
      state,
      bitNames(n.header.flags, neighFlags).join(','),
    ];
  },
};

/** `bridge vlan`: one row per VLAN (or range) of a port. */
export function vlanRows(port: Link, dev: DeviceNamer): string[][] {
  const rows: string[][] = [];
  let begin: number | undefined;
  for (const v of bridgeVlans(port)) {
    const flags = v.flags.map(String);
    if (flags.includes('rangeBegin')) {
      begin = v.vid;
      continue;
    }
    const vids = begin !== undefined ? `${begin}-${v.vid}` : String(v.vid);
    begin = undefined;
    rows.push([dev(port.header.index), vids, flags.includes('pvid') ? 'yes' : '', flags.includes('untagged') ? 'yes' : '']);
  }
  return rows;
}
/** The headers of {@link vlanRows}. */
export const VLAN_HEADERS = ['DEV', 'VLAN', 'PVID', 'UNTAGGED'] as const;

/** A tc parent as `tc` prints it. */
function parentName(p: number): string {
  const u = p >>> 0;
  if (u === TC_H_ROOT) return 'root';
  if (u === 0xfffffff1) return 'ingress';
  if (u === 0xfffffff2) return 'ffff:fff2 (ingress)';
  if (u === 0xfffffff3) return 'ffff:fff3 (egress)';
  return formatHandle(u);
}

/** `tc qdisc`: one row per qdisc. */
export const qdiscRenderer: Renderer<Decoded> = {
  headers: ['DEV', 'KIND', 'HANDLE', 'PARENT'],
  row(q, dev) {
    return [dev(q.header.ifindex), String(q.attrs.kind ?? ''), q.header.handle ? formatHandle(q.header.handle >>> 0) : '0:', parentName(q.header.parent)];
  },
};

/** `tc class`: one row per class. */
export const classRenderer: Renderer<Decoded> = {
  headers: ['DEV', 'KIND', 'CLASSID', 'PARENT'],
  row(c, dev) {
    return [dev(c.header.ifindex), String(c.attrs.kind ?? ''), formatHandle(c.header.handle >>> 0), parentName(c.header.parent)];
  },
};

const ETHERTYPES: Record<number, string> = { 0x0003: 'all', 0x0800: 'ip', 0x86dd: 'ipv6', 0x0806: 'arp', 0x8100: '802.1Q', 0x88a8: '802.1ad', 0x8847: 'mpls_uc' };

/** `tc filter`: one row per filter node. */
export const filterRenderer: Renderer<Decoded> = {
  headers: ['DEV', 'KIND', 'PARENT', 'PRIO', 'PROTOCOL', 'HANDLE', 'CHAIN', 'CLASSID'],
  row(f, dev) {
    const info = f.header.info >>> 0;
    const proto = ((info & 0xff) << 8) | ((info >>> 8) & 0xff);
    const classid = (f.attrs.options as { classid?: number } | undefined)?.classid;
    return [
      f.header.ifindex === 0xffffffff ? `block ${f.header.parent}` : dev(f.header.ifindex),
      String(f.attrs.kind ?? ''),
      parentName(f.header.parent),
      String(info >>> 16),
      ETHERTYPES[proto] ?? `0x${proto.toString(16).padStart(4, '0')}`,
      f.header.handle ? `0x${(f.header.handle >>> 0).toString(16)}` : '',
      f.attrs.chain === undefined ? '' : String(f.attrs.chain),
      typeof classid === 'number' ? formatHandle(classid) : '',
    ];
  },
};
