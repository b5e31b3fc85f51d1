/**
 * Codecs shared by the link schema and several link kinds: the `ifinfomsg`
 * header, bridge identifiers, tunnel encapsulation options, VLAN protocols.
 */
import { badLength, encodeFail, describe, enumOf, flagsOf, lladdr, pad, s32, struct, u16, u16be, u32, u8, type Codec } from '@nlkit/core';

/** `IFF_*` device flags (`<linux/if.h>`), in `ifi_flags` and `ifi_change`. */
export const ifinfoFlags = flagsOf(u32, {
  up: 0x1, broadcast: 0x2, debug: 0x4, loopback: 0x8, pointToPoint: 0x10, noTrailers: 0x20, running: 0x40,
  noArp: 0x80, promisc: 0x100, allMulti: 0x200, master: 0x400, slave: 0x800, multicast: 0x1000, portsel: 0x2000,
  autoMedia: 0x4000, dynamic: 0x8000, lowerUp: 0x10000, dormant: 0x20000, echo: 0x40000,
});

/**
 * `struct ifinfomsg` (`<linux/rtnetlink.h>`): the fixed header of `RTM_*LINK`.
 * `flags` and `change` stay numbers here (they are masks that travel together);
 * name their bits with {@link ifinfoFlags}.
 */
export const ifinfomsg = struct('ifinfomsg', 'ifi_', {
  family: u8,
  _pad: { codec: pad(1), c: '__ifi_pad' },
  type: u16,
  index: s32,
  flags: u32,
  change: u32,
});

/** Address families that key link payloads (`AF_*`, `<linux/socket.h>`). */
export const AF = { UNSPEC: 0, INET: 2, BRIDGE: 7, INET6: 10, MPLS: 28, MCTP: 45 } as const;

/** VLAN tag protocols (`ETH_P_8021Q`, `ETH_P_8021AD`), big-endian on the wire. */
export const vlanProtocol = enumOf(u16be, { '8021q': 0x8100, '8021ad': 0x88a8 });

/**
 * `struct ifla_bridge_id` (`IFLA_BR_ROOT_ID`, `IFLA_BRPORT_BRIDGE_ID`, ...): an
 * 802.1D bridge identifier. The kernel declares the priority as `__u8 prio[2]`
 * holding the big-endian value, so it is read as a big-endian u16 (32768 = `8000`).
 */
export const iflaBridgeId = struct('ifla_bridge_id', '', {
  prio: u16be,
  addr: fixedLladdr(6),
});

/** A link-layer address of exactly `len` bytes, for struct members (`__u8 addr[ETH_ALEN]`). */
export function fixedLladdr(len: number): Codec<string> {
  return {
    ...lladdr,
    fixed: len,
    info: { len, arbitrary: (fc: FastCheck) => fc.uint8Array({ minLength: len, maxLength: len }).map(macText) },
    size(value, scope) {
      const n = lladdr.size(value, scope);
      if (n !== len) encodeFail(`link-layer address of ${len} bytes expected, got ${describe(value)}`);
      return n;
    },
    read(view, offset, length, scope) {
      if (length !== len) badLength('link-layer address', len, length, offset);
      return lladdr.read(view, offset, length, scope);
    },
  };
}

/** The text form of a MAC address. */
function macText(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** The `fc` module as handed to `info.arbitrary` (kept structural so schemas do not import fast-check). */
export interface FastCheck {
  /** fast-check's `fc.constant`: always `v`. */
  constant<T>(v: T): ArbitraryLike<T>;
  /** fast-check's `fc.integer`: an integer from `min` to `max`. */
  integer(c: { min: number; max: number }): ArbitraryLike<number>;
  /** fast-check's `fc.uint8Array`: bytes, of a length within the bounds. */
  uint8Array(c: { minLength?: number; maxLength?: number }): ArbitraryLike<Uint8Array>;
  /** fast-check's `fc.oneof`: a value of one of `arbs`. */
  oneof<T>(...arbs: ArbitraryLike<T>[]): ArbitraryLike<T>;
  /** fast-check's `fc.record`: an object with a value from each arbitrary of `model`. */
  record<T>(model: { [K in keyof T]: ArbitraryLike<T[K]> }, c?: { requiredKeys: never[] }): ArbitraryLike<T>;
  /** fast-check's `fc.string`: a string, of a length within the bounds. */
  string(c: { minLength?: number; maxLength?: number }): ArbitraryLike<string>;
}
/** The part of a fast-check `Arbitrary` the schema generators use. */
export interface ArbitraryLike<T> {
  /** The values of this arbitrary, passed through `f`. */
  map<U>(f: (v: T) => U): ArbitraryLike<U>;
  /** The values of this arbitrary for which `f` holds. */
  filter(f: (v: T) => boolean): ArbitraryLike<T>;
}

/**
 * A boolean option some kernels send as a `u8` and others (or iproute2) as
 * an empty `NLA_FLAG` (`IFLA_VXLAN_TTL_INHERIT`: the kernel's policy says flag,
 * its dump writes a u8). Decodes an empty payload as `true` and one byte as its
 * number, and encodes each form back as found.
 */
export const flagOrU8: Codec<true | number, true | number> = {
  kind: 'custom',
  info: { arbitrary: (fc: FastCheck) => fc.oneof<true | number>(fc.constant(true as const), fc.integer({ min: 0, max: 255 })) },
  size(value) {
    if (value === true) return 0;
    return u8.size(value as number, undefined);
  },
  write(value, view, offset) {
    if (value !== true) view.setUint8(offset, value);
  },
  read(view, offset, length) {
    if (length === 0) return true;
    if (length !== 1) badLength('flag or u8', '0 or 1', length, offset);
    return view.getUint8(offset);
  },
  json: (v) => v,
};

/** `TUNNEL_ENCAP_*` (`<linux/if_tunnel.h>`): the UDP encapsulation of an IP tunnel. */
export const tunnelEncapType = enumOf(u16, { none: 0, fou: 1, gue: 2, mpls: 3 });

/** `TUNNEL_ENCAP_FLAG_*` (`<linux/if_tunnel.h>`). */
export const tunnelEncapFlags = flagsOf(u16, { csum: 0x1, csum6: 0x2, remcsum: 0x4 });
