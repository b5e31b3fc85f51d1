/**
 * The classic pcap format, as libpcap's `pcap_dump` writes it.
 *
 * A 24-byte global header — magic u32, version major u16 (2), version minor
 * u16 (4), thiszone i32, sigfigs u32, snaplen u32, link type u32 (low 16
 * bits) — then records of a 16-byte header — ts_sec u32, ts_usec or ts_nsec
 * u32, incl_len u32, orig_len u32 — followed by incl_len bytes of packet. All
 * header fields are in the byte order the magic reveals.
 *
 * @module
 */

import { need, viewOf } from './bytes.js';
import { CaptureFormatError } from './errors.js';
import { COOKED_HEADER_LENGTH, LINKTYPE_NETLINK, mayCarryNetlink, unsupportedLinkType, writeCookedHeader } from './link.js';
import type { RawPacket } from './link.js';
import type { Direction, NonNetlinkPolicy, Timestamp } from './types.js';

/** pcap magic for microsecond timestamps, as written in the file's byte order. */
export const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
/** pcap magic for nanosecond timestamps, as written in the file's byte order. */
export const PCAP_MAGIC_NANOSECONDS = 0xa1b23c4d;
/** The snapshot length tcpdump uses by default (`MAXIMUM_SNAPLEN`). */
export const DEFAULT_SNAPLEN = 262144;

const GLOBAL_HEADER_LENGTH = 24;
const RECORD_HEADER_LENGTH = 16;
const NS_PER_SECOND = 1_000_000_000;

/** The facts of a pcap global header. */
export interface PcapHeader {
  readonly littleEndian: boolean;
  readonly nanosecond: boolean;
  readonly snaplen: number;
  readonly linkType: number;
}

/**
 * Identifies a pcap magic number read as a little-endian u32: its byte order
 * and timestamp resolution, or undefined when it is not a pcap magic.
 */
export function pcapMagicKind(magicLe: number): { littleEndian: boolean; nanosecond: boolean } | undefined {
  switch (magicLe) {
    case PCAP_MAGIC_MICROSECONDS:
      return { littleEndian: true, nanosecond: false };
    case PCAP_MAGIC_NANOSECONDS:
      return { littleEndian: true, nanosecond: true };
    case 0xd4c3b2a1:
      return { littleEndian: false, nanosecond: false };
    case 0x4d3cb2a1:
      return { littleEndian: false, nanosecond: true };
    default:
      return undefined;
  }
}

/**
 * Reads and checks the global header. Throws for a truncated header, a magic
 * that is not pcap's, a major version other than 2, and (unless the policy is
 * `'skip'`) a link type that carries no netlink.
 */
export function readPcapHeader(bytes: Uint8Array, policy: NonNetlinkPolicy): PcapHeader {
  need(bytes, 0, GLOBAL_HEADER_LENGTH, 'pcap global header');
  const view = viewOf(bytes);
  const kind = pcapMagicKind(view.getUint32(0, true));
  if (kind === undefined) {
    throw new CaptureFormatError('bad-magic', `not a pcap magic number: 0x${view.getUint32(0).toString(16).padStart(8, '0')}`, 0);
  }
  const le = kind.littleEndian;
  const major = view.getUint16(4, le);
  if (major !== 2) {
    throw new CaptureFormatError('unsupported-version', `pcap version ${major}.${view.getUint16(6, le)} is not supported (expected 2.x)`, 4);
  }
  const linkType = view.getUint32(20, le) & 0xffff;
  if (!mayCarryNetlink(linkType) && policy === 'error') throw unsupportedLinkType(linkType, 'pcap file', 20);
  return { ...kind, snaplen: view.getUint32(16, le), linkType };
}

/** Yields the records that follow the global header, checking each header against the snaplen and the data left. */
export function* pcapRecords(bytes: Uint8Array, header: PcapHeader): Generator<RawPacket, void, undefined> {
  const view = viewOf(bytes);
  const le = header.littleEndian;
  const fractionToNs = header.nanosecond ? 1 : 1000;
  let offset = GLOBAL_HEADER_LENGTH;
  while (offset < bytes.length) {
    need(bytes, offset, RECORD_HEADER_LENGTH, 'pcap record header');
    const seconds = view.getUint32(offset, le);
    const fraction = view.getUint32(offset + 4, le);
    const inclLen = view.getUint32(offset + 8, le);
    const origLen = view.getUint32(offset + 12, le);
    if (header.snaplen !== 0 && inclLen > header.snaplen) {
      throw new CaptureFormatError('bad-length', `pcap record incl_len ${inclLen} exceeds the snapshot length ${header.snaplen}`, offset + 8);
    }
    const start = offset + RECORD_HEADER_LENGTH;
    need(bytes, start, inclLen, 'pcap record data');
    // A fraction of a second at or beyond one second (never written by libpcap) carries into the seconds.
    const ns = fraction * fractionToNs;
    yield {
      linkType: header.linkType,
      bytes: bytes.subarray(start, start + inclLen),
      offset: start,
      originalLength: origLen,
      timestamp: { seconds: seconds + Math.floor(ns / NS_PER_SECOND), nanoseconds: ns % NS_PER_SECOND },
    };
    offset = start + inclLen;
  }
}

/** The 24-byte little-endian global header for LINKTYPE_NETLINK. */
export function encodePcapHeader(nanosecond: boolean, snaplen: number): Uint8Array {
  const out = new Uint8Array(GLOBAL_HEADER_LENGTH);
  const view = viewOf(out);
  view.setUint32(0, nanosecond ? PCAP_MAGIC_NANOSECONDS : PCAP_MAGIC_MICROSECONDS, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  // thiszone and sigfigs stay 0, as every modern writer leaves them.
  view.setUint32(16, snaplen, true);
  view.setUint32(20, LINKTYPE_NETLINK, true);
  return out;
}

/**
 * One little-endian record: header, cooked header and as much of `data` as
 * the snaplen allows (incl_len = min(16 + data.length, snaplen), orig_len =
 * 16 + data.length).
 */
export function encodePcapRecord(
  timestamp: Timestamp,
  direction: Direction,
  protocol: number,
  data: Uint8Array,
  nanosecond: boolean,
  snaplen: number,
): Uint8Array {
  const origLen = COOKED_HEADER_LENGTH + data.length;
  const inclLen = Math.min(origLen, snaplen);
  const out = new Uint8Array(RECORD_HEADER_LENGTH + inclLen);
  const view = viewOf(out);
  view.setUint32(0, timestamp.seconds, true);
  view.setUint32(4, nanosecond ? timestamp.nanoseconds : Math.floor(timestamp.nanoseconds / 1000), true);
  view.setUint32(8, inclLen, true);
  view.setUint32(12, origLen, true);
  writeCookedHeader(view, RECORD_HEADER_LENGTH, direction, protocol);
  out.set(data.subarray(0, inclLen - COOKED_HEADER_LENGTH), RECORD_HEADER_LENGTH + COOKED_HEADER_LENGTH);
  return out;
}
