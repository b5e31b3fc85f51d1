/**
 * Capture readers: pcap or pcapng, detected from the first four bytes.
 *
 * @module
 */

import { need, viewOf } from './bytes.js';
import { CaptureFormatError } from './errors.js';
import { decodeRawPacket } from './link.js';
import type { RawPacket } from './link.js';
import { pcapMagicKind, pcapRecords, readPcapHeader } from './pcap.js';
import { PCAPNG_SECTION_HEADER, pcapngRecords } from './pcapng.js';
import type { CaptureFormat, CapturedPacket, ReadOptions } from './types.js';

/**
 * Which format a capture is in, from its first four bytes: a pcap magic
 * (`0xa1b2c3d4` or `0xa1b23c4d`, in either byte order) or the pcapng Section
 * Header Block type `0x0a0d0d0a`. Throws a {@link CaptureFormatError}
 * (`truncated` or `bad-magic`) for anything else.
 */
export function detectCaptureFormat(bytes: Uint8Array): CaptureFormat {
  need(bytes, 0, 4, 'capture file magic');
  const magic = viewOf(bytes).getUint32(0, true);
  if (magic === PCAPNG_SECTION_HEADER) return 'pcapng';
  if (pcapMagicKind(magic) !== undefined) return 'pcap';
  throw new CaptureFormatError(
    'bad-magic',
    `not a pcap or pcapng capture: first four bytes are ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}`,
    0,
  );
}

/**
 * Checks the file header (pcap global header, or first pcapng Section Header
 * Block) now and returns a generator of the raw packets after it.
 */
function openCapture(bytes: Uint8Array, options: ReadOptions): { format: CaptureFormat; records: Iterable<RawPacket> } {
  const format = detectCaptureFormat(bytes);
  const records = format === 'pcap' ? pcapRecords(bytes, readPcapHeader(bytes, options.nonNetlink ?? 'error')) : pcapngRecords(bytes);
  return { format, records };
}

function* netlinkPackets(records: Iterable<RawPacket>, options: ReadOptions): Generator<CapturedPacket, void, undefined> {
  const policy = options.nonNetlink ?? 'error';
  for (const raw of records) {
    const packet = decodeRawPacket(raw, policy);
    if (packet !== undefined) yield packet;
  }
}

/**
 * Yields the netlink packets of a pcap or pcapng capture, in file order,
 * without reading ahead. The file header is checked before this returns;
 * anything wrong further on throws a {@link CaptureFormatError} when the
 * iteration reaches it, after the packets before it have been yielded.
 *
 * pcap: both byte orders, microsecond and nanosecond magic, link types 253
 * (`LINKTYPE_NETLINK`), 113 and 276 (Linux cooked capture). pcapng: both byte
 * orders, several sections and interfaces, Enhanced, Simple and obsolete
 * Packet Blocks, `if_name`, `if_tsresol`, `if_tsoffset` and `opt_comment`;
 * other blocks are skipped.
 */
export function iterateCapture(bytes: Uint8Array, options: ReadOptions = {}): Generator<CapturedPacket, void, undefined> {
  return netlinkPackets(openCapture(bytes, options).records, options);
}

/** Reads every netlink packet of a pcap or pcapng capture; see {@link iterateCapture}. Throws {@link CaptureFormatError} on any problem. */
export function readCapture(bytes: Uint8Array, options: ReadOptions = {}): CapturedPacket[] {
  return Array.from(iterateCapture(bytes, options));
}

/** Options of {@link parseCapture}. */
export interface ParseOptions extends ReadOptions {
  /**
   * Return the packets before a truncated tail instead of throwing, as left
   * by a capture tool killed mid-write. Only `truncated` problems after a
   * complete file header are tolerated; corruption still throws.
   */
  readonly allowTruncation?: boolean;
}

/** What {@link parseCapture} found. */
export interface ParsedCapture {
  /** The file's format, as {@link detectCaptureFormat} tells it from the magic number. */
  readonly format: CaptureFormat;
  /** The netlink packets, in file order. */
  readonly packets: CapturedPacket[];
  /** True when the capture ended in the middle of a record or block (only with `allowTruncation`). */
  readonly truncated: boolean;
  /** When `truncated`: the error describing where the capture was cut. */
  readonly truncation?: CaptureFormatError;
}

/** Reads a capture like {@link readCapture}, reporting its format and, with `allowTruncation`, tolerating a truncated tail. */
export function parseCapture(bytes: Uint8Array, options: ParseOptions = {}): ParsedCapture {
  const { format, records } = openCapture(bytes, options);
  const packets: CapturedPacket[] = [];
  try {
    for (const packet of netlinkPackets(records, options)) packets.push(packet);
  } catch (error) {
    if (options.allowTruncation && error instanceof CaptureFormatError && error.code === 'truncated') {
      return { format, packets, truncated: true, truncation: error };
    }
    throw error;
  }
  return { format, packets, truncated: false };
}
