/**
 * Capture writers: what `tcpdump -i nlmon0 -w FILE` would have written.
 *
 * @module
 */

import { encodeEnhancedPacket, encodeInterfaceDescription, encodeSectionHeader } from './pcapng.js';
import { DEFAULT_SNAPLEN, encodePcapHeader, encodePcapRecord } from './pcap.js';
import { COOKED_HEADER_LENGTH } from './link.js';
import type { CaptureFormat, Direction, Timestamp } from './types.js';

/** Receives the bytes of a capture in order, one chunk at a time; it may keep the chunks (they are never reused). */
export type ChunkSink = (chunk: Uint8Array) => void;

/** How a writer lays out its capture. */
export interface WriterOptions {
  /** `'pcap'` (the default, as tcpdump writes) or `'pcapng'`. */
  readonly format?: CaptureFormat;
  /**
   * Nanosecond timestamps: pcap magic `0xa1b23c4d` instead of `0xa1b2c3d4`,
   * or pcapng `if_tsresol` 9 instead of 6. Default false (microseconds; the
   * nanoseconds of each timestamp are truncated to whole microseconds).
   */
  readonly nanosecond?: boolean;
  /**
   * Snapshot length: the most bytes kept of each packet, cooked header
   * included; longer packets are cut (their original length is still
   * recorded). At least 16. Default 262144, tcpdump's default.
   */
  readonly snaplen?: number;
  /** pcapng only: the interface's `if_name` option. Default `"nlmon0"`. */
  readonly interfaceName?: string;
  /** pcapng only: the section's `shb_userappl` option. Default `"@nlkit/pcap"`. */
  readonly application?: string;
  /** The clock for packets added without a timestamp. Default: `Date.now()`, millisecond precision. */
  readonly now?: () => Timestamp;
}

/** One netlink datagram to write. */
export interface PacketToWrite {
  /** `'to-kernel'` writes packet type 7 (`PACKET_KERNEL`), `'from-kernel'` writes 6 (`PACKET_USER`). */
  readonly direction: Direction;
  /** The netlink family (`NETLINK_ROUTE` = 0, `NETLINK_GENERIC` = 16, ...), 0–65535. */
  readonly protocol: number;
  /** The netlink messages of the datagram, in host byte order, as they crossed the socket. */
  readonly data: Uint8Array;
  /** When it was seen. Default: the writer's clock. */
  readonly timestamp?: Timestamp;
  /** pcapng only: written as the Enhanced Packet Block's `opt_comment`. The pcap format has no place for it and drops it. */
  readonly comment?: string;
}

const MAX_U32 = 0xffffffff;
const TWO_TO_64 = 2n ** 64n;

function systemClock(): Timestamp {
  const ms = Date.now();
  return { seconds: Math.floor(ms / 1000), nanoseconds: (ms % 1000) * 1_000_000 };
}

function checkInteger(value: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${what} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/**
 * Writes a capture incrementally to a {@link ChunkSink}: the file header (or
 * pcapng Section Header Block and one LINKTYPE_NETLINK Interface Description
 * Block) as one chunk when constructed, then one chunk per packet (a pcap
 * record, or an Enhanced Packet Block on interface 0). Every prefix that ends
 * at a chunk boundary is a valid capture, so a recorder can append chunks to a
 * file as it goes.
 *
 * Invalid packets (protocol out of range, a timestamp the format cannot hold,
 * a direction that is neither value) throw a `RangeError` and write nothing.
 */
export class PcapStreamWriter {
  /** The format being written. */
  readonly format: CaptureFormat;
  /** Whether timestamps are written with nanosecond resolution. */
  readonly nanosecond: boolean;
  /** The snapshot length in use. */
  readonly snaplen: number;
  private readonly sink: ChunkSink;
  private readonly now: () => Timestamp;
  /** The largest whole second a timestamp may have in this format and resolution. */
  private readonly maxSeconds: number;

  constructor(sink: ChunkSink, options: WriterOptions = {}) {
    const format = options.format ?? 'pcap';
    if (format !== 'pcap' && format !== 'pcapng') throw new RangeError(`format must be 'pcap' or 'pcapng', got ${String(format)}`);
    this.format = format;
    this.nanosecond = options.nanosecond ?? false;
    this.snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
    checkInteger(this.snaplen, COOKED_HEADER_LENGTH, MAX_U32, 'snaplen');
    this.sink = sink;
    this.now = options.now ?? systemClock;
    const unitsPerSecond = this.nanosecond ? 1_000_000_000n : 1_000_000n;
    // pcap: ts_sec is a u32. pcapng: the 64-bit timestamp counts units of the resolution.
    this.maxSeconds = format === 'pcap' ? MAX_U32 : Number(TWO_TO_64 / unitsPerSecond - 1n);
    if (format === 'pcap') {
      sink(encodePcapHeader(this.nanosecond, this.snaplen));
    } else {
      const shb = encodeSectionHeader(options.application ?? '@nlkit/pcap');
      const idb = encodeInterfaceDescription(this.snaplen, this.nanosecond, options.interfaceName ?? 'nlmon0');
      const head = new Uint8Array(shb.length + idb.length);
      head.set(shb);
      head.set(idb, shb.length);
      sink(head);
    }
  }

  /** Writes one packet as one chunk. */
  add(packet: PacketToWrite): void {
    const { direction, protocol, data } = packet;
    if (direction !== 'to-kernel' && direction !== 'from-kernel') {
      throw new RangeError(`direction must be 'to-kernel' or 'from-kernel', got ${String(direction)}`);
    }
    checkInteger(protocol, 0, 0xffff, 'protocol');
    if (!(data instanceof Uint8Array)) throw new RangeError('data must be a Uint8Array');
    checkInteger(data.length, 0, MAX_U32 - COOKED_HEADER_LENGTH, 'data length');
    const timestamp = packet.timestamp ?? this.now();
    checkInteger(timestamp.seconds, 0, this.maxSeconds, 'timestamp seconds');
    checkInteger(timestamp.nanoseconds, 0, 999_999_999, 'timestamp nanoseconds');
    this.sink(
      this.format === 'pcap'
        ? encodePcapRecord(timestamp, direction, protocol, data, this.nanosecond, this.snaplen)
        : encodeEnhancedPacket(timestamp, direction, protocol, data, this.nanosecond, this.snaplen, packet.comment),
    );
  }
}

/**
 * Builds a capture in memory. The same layout as {@link PcapStreamWriter};
 * {@link PcapWriter.toBytes} returns everything written so far and may be
 * called again after more packets are added.
 */
export class PcapWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;
  private readonly stream: PcapStreamWriter;

  constructor(options: WriterOptions = {}) {
    this.stream = new PcapStreamWriter((chunk) => {
      this.chunks.push(chunk);
      this.length += chunk.length;
    }, options);
  }

  /** The format being written. */
  get format(): CaptureFormat {
    return this.stream.format;
  }

  /** Adds one packet; see {@link PcapStreamWriter.add}. */
  add(packet: PacketToWrite): void {
    this.stream.add(packet);
  }

  /** The capture so far, as one new array. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}
