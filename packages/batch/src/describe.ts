/**
 * Labels for requests read back from bytes (`route add 10.0.0.0/24`,
 * `link set veth0`), the way the request builders name their operations, so
 * that a batch loaded from a file reports its failures as readably as one
 * compiled in memory — without keeping a string per request.
 */
import { NLM_F, type AnyMessage, type Family } from '@nlkit/core';
import { formatHandle } from '@nlkit/tc';
import type { RouteMessages } from './family.js';

const AF_BRIDGE = 7;
type AnyRoute = AnyMessage<Family<RouteMessages>>;

/** The verb of an `RTM_NEW*` request from its `NLM_F_*` modifiers, as iproute2 sets them per command. */
function newVerb(object: string, flags: number): string {
  const m = flags & (NLM_F.CREATE | NLM_F.EXCL | NLM_F.REPLACE | NLM_F.APPEND);
  if (m === (NLM_F.CREATE | NLM_F.EXCL | NLM_F.APPEND)) return 'property_add';
  if (m === (NLM_F.CREATE | NLM_F.EXCL)) return 'add';
  if (m === (NLM_F.CREATE | NLM_F.REPLACE)) return 'replace';
  if (m === (NLM_F.CREATE | NLM_F.APPEND)) return 'append';
  if (m === NLM_F.CREATE) return object === 'route' ? 'prepend' : 'add';
  if (m === NLM_F.REPLACE) return object === 'qdisc' ? 'link' : 'change';
  return object === 'link' ? 'set' : 'change';
}

/** `'default'` or `addr/len`. */
function prefix(addr: unknown, len: number): string {
  return len === 0 && (addr === undefined || addr === '0.0.0.0' || addr === '::') ? 'default' : `${String(addr)}/${len}`;
}

/**
 * A label for a decoded request: the object, the command its type and flags
 * stand for, and what identifies it (`route add 10.0.0.0/24`, `address del
 * 10.0.0.1/24`, `link set index 3`, `qdisc add dev 2 handle 1:`).
 *
 * ```ts
 * describeRequest(decodeMessages(routeFamily, bytes)[0]); // 'route add 10.0.0.0/24'
 * ```
 */
export function describeRequest(msg: AnyRoute): string {
  const h = msg.header as Record<string, unknown>;
  const a = msg.attrs as Record<string, unknown>;
  const name = msg.name;
  const kind = name.startsWith('RTM_NEW') ? 'NEW' : name.startsWith('RTM_DEL') ? 'DEL' : name.startsWith('RTM_SET') ? 'SET' : name.startsWith('RTM_GET') ? 'GET' : '';
  const body = name.replace(/^RTM_(NEW|DEL|GET|SET)/, '');
  const verb = (object: string): string => (kind === 'NEW' ? newVerb(object, msg.flags) : kind === 'DEL' ? 'del' : kind === 'GET' ? 'get' : 'set');
  switch (body) {
    case 'LINK': {
      const index = h.index as number;
      if (h.family === AF_BRIDGE) {
        const info = (a.afSpec as { vlanInfo?: { vid: number }[] } | undefined)?.vlanInfo ?? [];
        const vids = info.length > 1 ? `${info[0]!.vid}-${info[info.length - 1]!.vid}` : info.length ? String(info[0]!.vid) : '';
        return `vlan ${kind === 'DEL' ? 'del' : 'add'} ${vids}`.trimEnd();
      }
      const who = (a.ifname as string | undefined) ?? (index ? `index ${index}` : '');
      return `link ${verb('link')} ${who}`.trimEnd();
    }
    case 'LINKPROP':
      return `link ${kind === 'DEL' ? 'property_del' : 'property_add'} ${(a.ifname as string | undefined) ?? `index ${String(h.index)}`}`;
    case 'ADDR': {
      const addr = (a.local ?? a.address) as string | undefined;
      return `address ${verb('addr')} ${addr ?? ''}${addr ? `/${String(h.prefixlen)}` : ''}`.trimEnd();
    }
    case 'ROUTE':
      return `route ${verb('route')} ${prefix(a.dst, h.dstLen as number)}`;
    case 'RULE':
      return `rule ${kind === 'DEL' ? 'del' : 'add'}${a.priority !== undefined ? ` priority ${String(a.priority)}` : ''}`;
    case 'NEIGH':
      if (h.family === AF_BRIDGE) return `fdb ${verb('fdb')} ${String(a.lladdr ?? '')}`.trimEnd();
      return `neigh ${verb('neigh')} ${String(a.dst ?? '')}`.trimEnd();
    case 'QDISC':
    case 'TCLASS':
    case 'TFILTER':
    case 'CHAIN': {
      const object = body === 'QDISC' ? 'qdisc' : body === 'TCLASS' ? 'class' : body === 'TFILTER' ? 'filter' : 'chain';
      const handle = h.handle as number;
      const parts = [`${object} ${verb(object)}`, `dev ${String(h.ifindex)}`];
      if (a.kind) parts.push(String(a.kind));
      if (object === 'qdisc' && handle) parts.push(`handle ${formatHandle(handle)}`);
      if (object === 'class' && handle) parts.push(`classid ${formatHandle(handle)}`);
      if (object === 'filter') parts.push(`prio ${(h.info as number) >>> 16}`);
      if (object === 'chain' && a.chain !== undefined) parts.push(`chain ${String(a.chain)}`);
      return parts.join(' ');
    }
    case 'ACTION':
      return `action ${verb('action')}`;
    default:
      return name === 'UNKNOWN' ? `message type ${msg.type}` : name;
  }
}
