/**
 * Reaching the fields of a decoded message by their kernel names
 * (`IFLA_MTU`, `rtm_table`), for readers who think in `<linux/rtnetlink.h>`
 * or port code from pyroute2's `msg.get_attr('IFLA_MTU')`.
 */
import type { AttrSet, Codec, StructCodec } from '@nlkit/core';
import { rtnl } from '@nlkit/rtnl';

/** A decoded rtnl message: its type number, header and friendly-named attributes. */
export interface DecodedMessage {
  /** `nlmsg_type`, which picks the rtnl message declaration. */
  readonly type: number;
  /** The fixed header (`struct ifinfomsg`, ...), by friendly field name. */
  readonly header: unknown;
  /** The attributes, by friendly name. */
  readonly attrs: unknown;
}

/** The attribute set a codec's values hold, when they are attributes (a nest, or a kind-dependent payload's case). */
function nestedSet(codec: Codec<unknown, unknown>, siblings: Record<string, unknown>, header: Record<string, unknown>): AttrSet | undefined {
  const info = codec.info as { set?: AttrSet; selector?: string; cases?: Record<string, Codec<unknown, unknown>> } | undefined;
  if (codec.kind === 'nest') return info?.set;
  if (codec.kind === 'sub-message' && info?.selector && info.cases) {
    const key = siblings[info.selector] ?? header[info.selector];
    const chosen = typeof key === 'string' || typeof key === 'number' ? info.cases[key] : undefined;
    return chosen ? nestedSet(chosen, {}, header) : undefined;
  }
  return undefined;
}

/**
 * The value of an attribute by its kernel name, following nests:
 * `getAttr(link, 'IFLA_MTU')` is `link.attrs.mtu`, `getAttr(link,
 * 'IFLA_LINKINFO', 'IFLA_INFO_DATA', 'IFLA_VXLAN_ID')` is
 * `link.attrs.linkinfo.data.id`. Undefined when absent.
 *
 * ```ts
 * const [lo] = await ipr.getLinks({ ifname: 'lo' });
 * getAttr(lo, 'IFLA_MTU'); // 65536
 * ```
 * @throws TypeError for a name the message's schema does not have at that place.
 */
export function getAttr(msg: DecodedMessage, ...names: [string, ...string[]]): unknown {
  const def = rtnl.byType(msg.type)?.def;
  let set: AttrSet | undefined = def?.attrs;
  let values = msg.attrs as Record<string, unknown> | undefined;
  const header = (msg.header ?? {}) as Record<string, unknown>;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const info = set?.attrs.find((a) => a.name === name);
    if (!set || !info) throw new TypeError(`${name} is not an attribute of ${i === 0 ? rtnl.byType(msg.type)?.name ?? `type ${msg.type}` : names[i - 1]}`);
    const value = values?.[info.key];
    if (i === names.length - 1 || value === undefined) return value;
    const inner = nestedSet(info.codec, values!, header);
    set = inner;
    values = value as Record<string, unknown>;
  }
  return undefined;
}

/**
 * The value of a fixed-header field by its C name: `getField(route,
 * 'rtm_table')` is `route.header.table`.
 *
 * ```ts
 * const [r] = await ipr.getRoutes({ dst: 'default', family: 'inet' });
 * getField(r, 'rtm_protocol'); // 3 (RTPROT_BOOT)
 * ```
 * @throws TypeError for a name the message's header does not have.
 */
export function getField(msg: DecodedMessage, cname: string): unknown {
  const header = rtnl.byType(msg.type)?.def.header as StructCodec | undefined;
  const field = header?.fields.find((f) => f.cname === cname);
  if (!field) throw new TypeError(`${cname} is not a field of ${header?.name ?? `type ${msg.type}`}`);
  return (msg.header as Record<string, unknown>)[field.key];
}
