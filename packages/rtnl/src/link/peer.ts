/**
 * The peer of a paired device (`VETH_INFO_PEER`, `VXCAN_INFO_PEER`,
 * `IFLA_NETKIT_PEER_INFO`): a `struct ifinfomsg` followed by `IFLA_*`
 * attributes, as in an `RTM_NEWLINK` body.
 */
import { align4, type AttrSet, type Codec, type Json, type Scope, type StructCodec, type StructInput, type StructValue } from '@nlkit/core';
import { ifinfomsg, type FastCheck } from './common.js';

/** The field declarations of `struct ifinfomsg`. @inline */
type IfinfomsgSpec = typeof ifinfomsg extends StructCodec<infer F> ? F : never;
/** The decoded `struct ifinfomsg` header fields (`ifi_family`, `ifi_type`, `ifi_index`, `ifi_flags`, `ifi_change`). */
export type IfinfomsgValue = StructValue<IfinfomsgSpec>;
/** What encode accepts for a `struct ifinfomsg` header (every field optional, zero by default). */
export type IfinfomsgInput = StructInput<IfinfomsgSpec>;

/** A peer device (`VETH_INFO_PEER`, `VXCAN_INFO_PEER`, `IFLA_NETKIT_PEER_INFO`): its header and its link attributes. */
export interface LinkPeerValue<A> {
  /** The peer's `struct ifinfomsg`. */
  header: IfinfomsgValue;
  /** The peer's `IFLA_*` attributes. */
  attrs: A;
}
/** What encode accepts for a peer device (`VETH_INFO_PEER`, ...; a missing header is all zeros). */
export interface LinkPeerInput<I> {
  /** The peer's `struct ifinfomsg`; all zeros when left out. */
  header?: IfinfomsgInput;
  /** The peer's `IFLA_*` attributes (`IFLA_IFNAME`, ...). */
  attrs?: I;
}

const HDR = ifinfomsg.fixed;

/**
 * The peer codec over the link attribute set `set` (a thunk: the set
 * contains the kinds that contain this codec). The peer's attributes are
 * decoded in a scope of their own header, so its `IFLA_AF_SPEC` and
 * `IFLA_PROTINFO` follow the peer's `ifi_family`.
 */
export function linkPeer<A, I>(set: () => AttrSet<any>): Codec<LinkPeerValue<A>, LinkPeerInput<I>> {
  const scopeOf = (header: object): Scope => ({ values: header as Record<string, unknown>, parent: undefined });
  return {
    kind: 'custom',
    info: {
      header: ifinfomsg,
      get set() {
        return set();
      },
      arbitrary: (fc: FastCheck) =>
        fc.record({
          header: fc.record({
            family: fc.integer({ min: 0, max: 255 }),
            type: fc.integer({ min: 0, max: 0xffff }),
            index: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
            flags: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
            change: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          }),
          attrs: fc.record({
            ifname: fc.string({ minLength: 1, maxLength: 15 }).filter((s) => !s.includes('\0') && new TextEncoder().encode(s).length <= 15),
            mtu: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
            address: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':')),
            txqlen: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          }, { requiredKeys: [] }),
        }),
    },
    size(value, scope) {
      const header = value?.header ?? {};
      return align4(ifinfomsg.size(header, scope)) + set().size(value?.attrs ?? {}, scopeOf(header));
    },
    write(value, view, offset, scope) {
      const header = value.header ?? {};
      const hs = ifinfomsg.size(header, scope);
      ifinfomsg.write(header, view, offset, scope);
      for (let i = hs; i < align4(hs); i++) view.setUint8(offset + i, 0);
      set().write(value.attrs ?? {}, view, offset + align4(hs), scopeOf(header));
    },
    read(view, offset, length, scope) {
      const hlen = Math.min(HDR, length);
      const header = ifinfomsg.read(view, offset, hlen, scope) as IfinfomsgValue;
      const start = Math.min(align4(HDR), length);
      const attrs = set().decode(view, offset + start, length - start, scopeOf(header)) as A;
      return { header, attrs };
    },
    json(value): Json {
      return { header: ifinfomsg.json(value.header), attrs: set().json(value.attrs as never, scopeOf(value.header)) };
    },
  };
}
