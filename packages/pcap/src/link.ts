/**
 * Link-layer facts: the link types that carry netlink and their pseudo headers.
 *
 * `tcpdump -i nlmon0` captures with `LINKTYPE_NETLINK` (253). Every packet
 * starts with a 16-byte header laid out like the Linux "cooked" header of
 * `LINKTYPE_LINUX_SLL`, all fields big-endian:
 *
 * | offset | size | field                                                  |
 * |-------:|-----:|--------------------------------------------------------|
 * |      0 |    2 | packet type (see below)                                |
 * |      2 |    2 | ARPHRD type: `ARPHRD_NETLINK` (824)                    |
 * |      4 |    2 | link-layer address length (0)                          |
 * |      6 |    8 | link-layer address (zero)                              |
 * |     14 |    2 | protocol: the netlink family (`NETLINK_ROUTE` = 0, ...) |
 *
 * The netlink messages of one datagram follow, in the capturing host's byte
 * order. Wireshark requires the ARPHRD type to be 824 and ignores the packet
 * type, which tcpdump's LINKTYPE_NETLINK page calls "unused".
 *
 * The packet type: the kernel's netlink tap marks each datagram
 * `PACKET_KERNEL` (7) when a kernel socket receives it (user → kernel) and
 * `PACKET_USER` (6) when a user-space socket does (kernel → user), and
 * libpcap 1.10+ copies `sll_pkttype` into this field unchanged. But the
 * datagram reaches packet sockets through `dev_queue_xmit_nit()`, which
 * re-marks every transmitted frame `PACKET_OUTGOING` (4); so files recorded by
 * `tcpdump -i nlmon0` hold 4 for every packet (netsniff-ng, by nlmon's author,
 * restores the direction from the netlink header for that reason). The
 * writers here record the direction with 7 and 6; readers map 7 and 6 back
 * and report `'unknown'` for anything else, and {@link inferDirection}
 * guesses it from the netlink header.
 *
 * Captures on the `any` device use `LINKTYPE_LINUX_SLL` (113, same 16-byte
 * header) or `LINKTYPE_LINUX_SLL2` (276, 20 bytes: protocol u16, reserved u16,
 * interface index u32, ARPHRD type u16, packet type u8, address length u8,
 * address 8 bytes); their netlink packets are the ones with ARPHRD type 824.
 *
 * @module
 */

import { CaptureFormatError } from './errors.js';
import type { CapturedPacket, Direction, NonNetlinkPolicy } from './types.js';

/** `LINKTYPE_NETLINK`: Linux netlink traffic captured on an nlmon device, with a 16-byte cooked header. */
export const LINKTYPE_NETLINK = 253;
/** `LINKTYPE_LINUX_SLL`: Linux cooked capture v1 (16-byte header), as written for `tcpdump -i any`. */
export const LINKTYPE_LINUX_SLL = 113;
/** `LINKTYPE_LINUX_SLL2`: Linux cooked capture v2 (20-byte header), as written for `tcpdump -i any` by libpcap 1.10+. */
export const LINKTYPE_LINUX_SLL2 = 276;
/** `ARPHRD_NETLINK` from `<linux/if_arp.h>`: the hardware type of nlmon devices. */
export const ARPHRD_NETLINK = 824;
/**
 * `PACKET_USER` from `<linux/if_packet.h>` ("To user space"): the packet was
 * delivered to a user-space socket, i.e. it travelled kernel → user.
 */
export const PACKET_USER = 6;
/**
 * `PACKET_KERNEL` from `<linux/if_packet.h>` ("To kernel space"): the packet
 * was delivered to a kernel socket, i.e. it travelled user → kernel.
 */
export const PACKET_KERNEL = 7;
/**
 * `PACKET_OUTGOING` from `<linux/if_packet.h>`: what packet sockets, and so
 * `tcpdump -i nlmon0`, see for every nlmon packet whatever its direction.
 */
export const PACKET_OUTGOING = 4;
/** Length of the LINKTYPE_NETLINK / LINKTYPE_LINUX_SLL pseudo header. */
export const COOKED_HEADER_LENGTH = 16;
/** Length of the LINKTYPE_LINUX_SLL2 pseudo header. */
export const SLL2_HEADER_LENGTH = 20;

/** One captured packet as a container format hands it over, before its pseudo header is read. */
export interface RawPacket {
  readonly linkType: number;
  /** The captured bytes, pseudo header included: a subarray of the capture. */
  readonly bytes: Uint8Array;
  /** Where `bytes` starts in the capture. */
  readonly offset: number;
  /** Length of the packet on the wire, pseudo header included. */
  readonly originalLength: number;
  readonly timestamp: CapturedPacket['timestamp'];
  readonly interfaceName?: string;
  readonly comment?: string;
}

/** True for the link types whose packets may carry netlink. */
export function mayCarryNetlink(linkType: number): boolean {
  return linkType === LINKTYPE_NETLINK || linkType === LINKTYPE_LINUX_SLL || linkType === LINKTYPE_LINUX_SLL2;
}

/** The error for a packet, interface or file whose link type carries no netlink. */
export function unsupportedLinkType(linkType: number, where: string, offset: number): CaptureFormatError {
  return new CaptureFormatError(
    'unsupported-link-type',
    `${where} has link type ${linkType}, which does not carry netlink (expected LINKTYPE_NETLINK ${LINKTYPE_NETLINK})`,
    offset,
    linkType,
  );
}

/** Maps the cooked header's packet type to a direction: 7 → to-kernel, 6 → from-kernel, else unknown. */
function directionOf(packetType: number): Direction | 'unknown' {
  if (packetType === PACKET_KERNEL) return 'to-kernel';
  if (packetType === PACKET_USER) return 'from-kernel';
  return 'unknown';
}

const NLM_F_REQUEST = 0x1;

/**
 * Guesses which way a netlink datagram travelled from its first message
 * header, for captures whose packet type does not say (`tcpdump -i nlmon0`
 * files carry `PACKET_OUTGOING` for all packets): `'to-kernel'` when
 * `nlmsg_flags` has `NLM_F_REQUEST` (0x1) — the kernel only acts on messages
 * that carry it, and its own messages normally do not — otherwise
 * `'from-kernel'`.
 * Returns `'unknown'` when `data` is shorter than a netlink header.
 *
 * A heuristic: user-to-user traffic (`NETLINK_USERSOCK`) and unusual senders
 * can fool it. Netlink headers are in the capturing host's byte order;
 * `littleEndian` defaults to true (x86, arm64, riscv).
 */
export function inferDirection(data: Uint8Array, littleEndian = true): Direction | 'unknown' {
  if (data.length < 16) return 'unknown';
  const flags = new DataView(data.buffer, data.byteOffset, 16).getUint16(6, littleEndian);
  return flags & NLM_F_REQUEST ? 'to-kernel' : 'from-kernel';
}

/**
 * Reads the pseudo header of a raw packet and returns the netlink packet, or
 * undefined when the packet is not netlink and the policy is `'skip'`.
 */
export function decodeRawPacket(raw: RawPacket, policy: NonNetlinkPolicy): CapturedPacket | undefined {
  const { linkType, bytes, offset } = raw;
  if (!mayCarryNetlink(linkType)) {
    if (policy === 'skip') return undefined;
    throw unsupportedLinkType(linkType, 'packet', offset);
  }
  const headerLength = linkType === LINKTYPE_LINUX_SLL2 ? SLL2_HEADER_LENGTH : COOKED_HEADER_LENGTH;
  if (bytes.length < headerLength) {
    throw new CaptureFormatError(
      'bad-pseudo-header',
      `packet of ${bytes.length} bytes is too short for the ${headerLength}-byte pseudo header of link type ${linkType}`,
      offset,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerLength);
  let packetType: number;
  let hatype: number;
  let protocol: number;
  if (linkType === LINKTYPE_LINUX_SLL2) {
    protocol = view.getUint16(0);
    hatype = view.getUint16(8);
    packetType = view.getUint8(10);
  } else {
    packetType = view.getUint16(0);
    hatype = view.getUint16(2);
    protocol = view.getUint16(14);
  }
  if (hatype !== ARPHRD_NETLINK) {
    if (linkType === LINKTYPE_NETLINK) {
      throw new CaptureFormatError(
        'bad-pseudo-header',
        `LINKTYPE_NETLINK packet has ARPHRD type ${hatype}, expected ARPHRD_NETLINK (${ARPHRD_NETLINK})`,
        offset + 2,
      );
    }
    if (policy === 'skip') return undefined;
    throw new CaptureFormatError(
      'unsupported-link-type',
      `cooked-capture packet (link type ${linkType}) has ARPHRD type ${hatype}, not ARPHRD_NETLINK (${ARPHRD_NETLINK})`,
      offset,
      linkType,
    );
  }
  const data = bytes.subarray(headerLength);
  const packet: CapturedPacket = {
    timestamp: raw.timestamp,
    direction: directionOf(packetType),
    packetType,
    protocol,
    data,
    originalLength: Math.max(raw.originalLength - headerLength, data.length),
    linkType,
  };
  if (raw.interfaceName !== undefined) packet.interfaceName = raw.interfaceName;
  if (raw.comment !== undefined) packet.comment = raw.comment;
  return packet;
}

/**
 * Writes the 16-byte LINKTYPE_NETLINK header at `at`: packet type 7 for
 * to-kernel or 6 for from-kernel, `ARPHRD_NETLINK`, no address, and the
 * netlink family, all big-endian.
 */
export function writeCookedHeader(view: DataView, at: number, direction: Direction, protocol: number): void {
  view.setUint16(at, direction === 'to-kernel' ? PACKET_KERNEL : PACKET_USER);
  view.setUint16(at + 2, ARPHRD_NETLINK);
  view.setUint16(at + 4, 0);
  for (let i = 6; i < 14; i++) view.setUint8(at + i, 0);
  view.setUint16(at + 14, protocol);
}
