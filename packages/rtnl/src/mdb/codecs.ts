import {
  HOST_LE, NlDecodeError, badLength, describe, encodeFail, enumOf, flagsOf, formatIPv4, formatIPv6,
  lladdr, parseIPv4, parseIPv6, u16, u32, u8, viewOf,
  type AttrInput, type AttrSet, type AttrValues, type Codec, type Json,
} from '@nlkit/core';
import { ipv6Text, uintOf, type ArbitraryOf } from '../route/arbitraries.js';

/** `MDB_TEMPORARY`/`MDB_PERMANENT` (`br_mdb_entry.state`). */
export const mdbStates = { temporary: 0, permanent: 1 } as const;

/** `MDB_FLAGS_*` (`br_mdb_entry.flags`). */
export const mdbFlags = { offload: 1, fastLeave: 2, starExcl: 4, blocked: 8, offloadFailed: 16 } as const;

const mdbState = enumOf(u8, mdbStates);
const mdbFlagsCodec = flagsOf(u8, mdbFlags);

const ETH_P_IP = 0x0800;
const ETH_P_IPV6 = 0x86dd;
const BR_MDB_ENTRY_SIZE = 28;

/** `struct br_mdb_entry` (`<linux/if_bridge.h>`): one port's membership of a group. */
export interface BrMdbEntry {
  /** `ifindex`: the port that is a member. */
  ifindex: number;
  /** `state`: `temporary` (`MDB_TEMPORARY`) or `permanent` (`MDB_PERMANENT`), or the number. */
  state: keyof typeof mdbStates | number;
  /** `flags`: `MDB_FLAGS_*` names (numbers for bits without one). */
  flags: Array<keyof typeof mdbFlags | number>;
  /** `vid`: the VLAN, or 0. */
  vid: number;
  /** The group: IPv4 or IPv6 text by `proto`, a MAC address for L2 entries (`proto` 0). */
  addr: string;
  /** `addr.proto`: `ETH_P_IP` (0x0800), `ETH_P_IPV6` (0x86dd) or 0, host-order number of the big-endian field. */
  proto: number;
}

/** What encode takes for a `struct br_mdb_entry`: `proto` defaults to what `addr` looks like; the rest to zero. */
export type BrMdbEntryInput = Partial<BrMdbEntry> & Pick<BrMdbEntry, 'addr'>;

function protoOf(v: BrMdbEntryInput): number {
  if (v.proto !== undefined) return v.proto;
  if (parseIPv4(v.addr)) return ETH_P_IP;
  if (parseIPv6(v.addr)) return ETH_P_IPV6;
  return 0;
}

function groupBytes(addr: string, proto: number): Uint8Array | undefined {
  if (proto === ETH_P_IP) return parseIPv4(addr);
  if (proto === ETH_P_IPV6) return parseIPv6(addr);
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(addr)) return undefined;
  const out = new Uint8Array(6);
  lladdr.write(addr, viewOf(out), 0, undefined);
  return out;
}

/** Valid decoded {@link BrMdbEntry} values, for property tests. */
export const brMdbEntryArbitrary: ArbitraryOf<BrMdbEntry> = (fc) => {
  const group = fc.oneof(
    fc.ipV4().map((addr) => ({ addr, proto: ETH_P_IP })),
    ipv6Text(fc).map((addr) => ({ addr, proto: ETH_P_IPV6 })),
    fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => ({ addr: lladdr.read(viewOf(b), 0, 6, undefined), proto: 0 })),
  );
  const head = fc.record({
    ifindex: uintOf(fc, 32),
    state: uintOf(fc, 8).map((n) => mdbState.read(viewOf(Uint8Array.of(n)), 0, 1, undefined)),
    flags: uintOf(fc, 8).map((n) => mdbFlagsCodec.read(viewOf(Uint8Array.of(n)), 0, 1, undefined)),
    vid: uintOf(fc, 16),
  });
  return fc.tuple(head, group).map(([h, g]) => ({ ...h, ...g }));
};

/**
 * `struct br_mdb_entry` (`MDBA_SET_ENTRY`, `MDBA_GET_ENTRY`, and the head of
 * `MDBA_MDB_ENTRY_INFO`): 28 bytes, the group address a union read by `proto`.
 */
export const brMdbEntry: Codec<BrMdbEntry, BrMdbEntryInput> = {
  kind: 'custom',
  fixed: BR_MDB_ENTRY_SIZE,
  info: {
    doc: 'struct br_mdb_entry',
    arbitrary: brMdbEntryArbitrary,
  },
  size(v) {
    if (typeof v !== 'object' || v === null || typeof v.addr !== 'string') encodeFail(`br_mdb_entry expects {addr, ...}, got ${describe(v)}`);
    u32.size(v.ifindex ?? 0, undefined);
    mdbState.size(v.state ?? 0, undefined);
    mdbFlagsCodec.size(v.flags ?? [], undefined);
    u16.size(v.vid ?? 0, undefined);
    const proto = protoOf(v);
    u16.size(proto, undefined);
    if (!groupBytes(v.addr, proto)) encodeFail(`br_mdb_entry group ${describe(v.addr)} does not fit proto 0x${proto.toString(16)}`);
    return BR_MDB_ENTRY_SIZE;
  },
  write(v, view, offset) {
    const proto = protoOf(v);
    for (let i = 0; i < BR_MDB_ENTRY_SIZE; i++) view.setUint8(offset + i, 0);
    view.setUint32(offset, v.ifindex ?? 0, HOST_LE);
    mdbState.write(v.state ?? 0, view, offset + 4, undefined);
    mdbFlagsCodec.write(v.flags ?? [], view, offset + 5, undefined);
    view.setUint16(offset + 6, v.vid ?? 0, HOST_LE);
    new Uint8Array(view.buffer, view.byteOffset + offset + 8, 16).set(groupBytes(v.addr, proto)!);
    view.setUint16(offset + 24, proto, false);
  },
  read(view, offset, length) {
    if (length !== BR_MDB_ENTRY_SIZE) badLength('br_mdb_entry', BR_MDB_ENTRY_SIZE, length, offset);
    const proto = view.getUint16(offset + 24, false);
    const addr = proto === ETH_P_IP ? formatIPv4(view, offset + 8)
      : proto === ETH_P_IPV6 ? formatIPv6(view, offset + 8)
      : lladdr.read(view, offset + 8, 6, undefined);
    return {
      ifindex: view.getUint32(offset, HOST_LE),
      state: mdbState.read(view, offset + 4, 1, undefined),
      flags: mdbFlagsCodec.read(view, offset + 5, 1, undefined),
      vid: view.getUint16(offset + 6, HOST_LE),
      addr,
      proto,
    };
  },
  lossy: true,
  exact(view, offset, _length, v) {
    const used = v.proto === ETH_P_IP ? 4 : v.proto === ETH_P_IPV6 ? 16 : 6;
    for (let i = 8 + used; i < 24; i++) if (view.getUint8(offset + i) !== 0) return false;
    return view.getUint16(offset + 26, HOST_LE) === 0;
  },
  json: (v) => ({ ifindex: v.ifindex, state: v.state, flags: v.flags, vid: v.vid, addr: v.addr, proto: v.proto }),
};

/** A fixed-size head followed by attributes (`MDBA_MDB_ENTRY_INFO`, `MDBA_ROUTER_PORT`), decoded as the head's fields plus `attrs`. */
export type Headed<H, D extends Record<string, any>> = H & {
  /** The attributes after the head (`MDBA_MDB_EATTR_*`, `MDBA_ROUTER_PATTR_*`). */
  attrs: AttrValues<D>;
};
/** What encode takes for {@link Headed}. */
export type HeadedInput<H, D extends Record<string, any>> = H & {
  /** The attributes after the head (`MDBA_MDB_EATTR_*`, `MDBA_ROUTER_PATTR_*`). */
  attrs?: AttrInput<D>;
};

/**
 * A payload that is a fixed-size C value followed by attributes
 * (`MDBA_MDB_ENTRY_INFO`: `struct br_mdb_entry` then `MDBA_MDB_EATTR_*`;
 * `MDBA_ROUTER_PORT`: a `u32` ifindex then `MDBA_ROUTER_PATTR_*`). `arbitrary`
 * generates whole decoded values for property tests.
 */
export function headed<H extends object, HIn extends object, D extends Record<string, any>>(
  doc: string,
  head: Codec<H, HIn>,
  set: AttrSet<D>,
  arbitrary: ArbitraryOf<Headed<H, D>>,
): Codec<Headed<H, D>, HeadedInput<HIn, D>> {
  const n = head.fixed;
  if (n === undefined || n % 4 !== 0) throw new TypeError(`${doc}: the head needs a fixed size in whole 4-byte units`);
  const split = (v: HeadedInput<HIn, D>): [HIn, AttrInput<D>] => {
    if (typeof v !== 'object' || v === null) encodeFail(`${doc} expects an object, got ${describe(v)}`);
    const { attrs, ...h } = v;
    return [h as unknown as HIn, attrs ?? ({} as AttrInput<D>)];
  };
  return {
    kind: 'custom',
    info: { doc, set, arbitrary },
    size(v, scope) {
      const [h, a] = split(v);
      return head.size(h, scope) + set.size(a, scope);
    },
    write(v, view, offset, scope) {
      const [h, a] = split(v);
      head.write(h, view, offset, scope);
      set.write(a, view, offset + n, scope);
    },
    read(view, offset, length, scope) {
      if (length < n) throw new NlDecodeError(`${doc} needs at least ${n} bytes, got ${length}`, offset);
      const h = head.read(view, offset, n, scope);
      return { ...h, attrs: set.decode(view, offset + n, length - n, scope) };
    },
    lossy: head.lossy === true,
    exact: (view, offset, _length, v) => !head.exact || head.exact(view, offset, n, v),
    json(v, scope): Json {
      const { attrs, ...h } = v;
      return { ...(head.json(h as unknown as H, scope) as Record<string, Json>), attrs: set.json(attrs, scope) };
    },
  };
}
