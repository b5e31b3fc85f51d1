import {
  HOST_LE, NlDecodeError, badLength, describe, encodeFail, ip, toHex, variant,
  type Codec,
} from '@nlkit/core';
import { ipValue, uintOf, type ArbitraryOf } from './arbitraries.js';

/** `AF_MPLS`: the `rtm_family` of MPLS routes. */
export const AF_MPLS = 28;

const MPLS_LS_BOS = 0x100;
const MPLS_LABEL_MAX = 0xfffff;

/**
 * An MPLS label stack (`RTA_DST`/`RTA_NEWDST` of `AF_MPLS` routes,
 * `MPLS_IPTUNNEL_DST`): 32-bit big-endian entries, label in the top 20 bits,
 * bottom-of-stack bit on the last. Decoded as the label numbers, outermost
 * first. The kernel sends TC and TTL as zero; a stack with other TC, TTL or
 * bottom-of-stack bits still decodes to its labels and re-encodes byte for byte.
 */
export const mplsLabels: Codec<number[]> = {
  kind: 'custom',
  info: {
    doc: 'MPLS label stack',
    arbitrary: ((fc) => fc.array(fc.integer({ min: 0, max: MPLS_LABEL_MAX }), { maxLength: 4 })) satisfies ArbitraryOf<number[]>,
  },
  size(value) {
    if (!Array.isArray(value)) encodeFail(`MPLS label stack expects an array of labels, got ${describe(value)}`);
    for (const l of value) {
      if (!Number.isInteger(l) || l < 0 || l > MPLS_LABEL_MAX) encodeFail(`MPLS label expects an integer in 0..${MPLS_LABEL_MAX}, got ${describe(l)}`);
    }
    return value.length * 4;
  },
  write(value, view, offset) {
    value.forEach((l, i) => view.setUint32(offset + 4 * i, ((l << 12) | (i === value.length - 1 ? MPLS_LS_BOS : 0)) >>> 0, false));
  },
  read(view, offset, length) {
    if (length % 4 !== 0) badLength('MPLS label stack', 'a multiple of 4', length, offset);
    const out: number[] = [];
    for (let i = 0; i < length; i += 4) out.push(view.getUint32(offset + i, false) >>> 12);
    return out;
  },
  lossy: true,
  exact(view, offset, length) {
    for (let i = 0; i < length; i += 4) {
      const low = view.getUint32(offset + i, false) & 0xfff;
      if (low !== (i === length - 4 ? MPLS_LS_BOS : 0)) return false;
    }
    return true;
  },
  json: (v) => v,
};

/** `struct rtvia` (`RTA_VIA`): a next hop of another address family. */
export interface RtVia {
  /** `rtvia_family` (`AF_INET` = 2, `AF_INET6` = 10, `AF_PACKET` = 17). */
  family: number;
  /** `rtvia_addr`: IPv4/IPv6 text for 4/16 bytes, else the bytes. */
  addr: string | Uint8Array;
}

/** `RTA_VIA`: `struct rtvia`, a `u16` address family followed by the address. */
export const rtvia: Codec<RtVia> = {
  kind: 'custom',
  info: {
    doc: 'struct rtvia',
    arbitrary: ((fc) => fc.record({ family: uintOf(fc, 16), addr: ipValue(fc) })) satisfies ArbitraryOf<RtVia>,
  },
  size(value) {
    if (typeof value !== 'object' || value === null) encodeFail(`rtvia expects {family, addr}, got ${describe(value)}`);
    const fam = value.family;
    if (!Number.isInteger(fam) || fam < 0 || fam > 0xffff) encodeFail(`rtvia_family expects an integer in 0..65535, got ${describe(fam)}`);
    return 2 + ip.size(value.addr, undefined);
  },
  write(value, view, offset) {
    view.setUint16(offset, value.family, HOST_LE);
    ip.write(value.addr, view, offset + 2, undefined);
  },
  read(view, offset, length) {
    if (length < 2) throw new NlDecodeError(`rtvia needs at least 2 bytes, got ${length}`, offset);
    return { family: view.getUint16(offset, HOST_LE), addr: ip.read(view, offset + 2, length - 2, undefined) };
  },
  json: (v) => ({ rtvia_family: v.family, rtvia_addr: typeof v.addr === 'string' ? v.addr : toHex(v.addr) }),
};

/** `variant()` types its fallback as bytes; `ip` also decodes 4- and 16-byte payloads to address text. */
const ipFallback = ip as Codec<unknown> as Codec<Uint8Array>;

/**
 * `RTA_DST`/`RTA_NEWDST`: the destination of a route. An MPLS label stack
 * (`number[]`) when the message's `rtm_family` is `AF_MPLS`; otherwise an
 * address as the `ip` codec reads it (IPv4/IPv6 text, or bytes for other lengths).
 */
export const routeAddr = variant('family', { [AF_MPLS]: mplsLabels }, ipFallback) as Codec<string | Uint8Array | number[]>;
