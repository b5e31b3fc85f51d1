/**
 * The pcapng format (draft-ietf-opsawg-pcapng), the blocks a netlink capture uses.
 *
 * Every block is: block type u32, block total length u32, body, block total
 * length u32 again; total lengths are multiples of 4. A file is one or more
 * sections, each opened by a Section Header Block (type `0x0a0d0d0a`) whose
 * byte-order magic `0x1a2b3c4d` fixes the byte order of the whole section.
 * Interface Description Blocks (type 1: link type u16, reserved u16, snaplen
 * u32, options) are numbered from 0 within their section; packets refer to
 * them by that number. Packets come in Enhanced Packet Blocks (type 6:
 * interface id u32, timestamp high u32, timestamp low u32, captured length
 * u32, original length u32, data padded to 4, options), Simple Packet Blocks
 * (type 3: original length u32, data; interface 0, no timestamp) and the
 * obsolete Packet Blocks (type 2: interface id u16, drops u16, then as EPB).
 * Other blocks are skipped.
 *
 * Options are code u16, length u16, value padded to 4; code 0 ends the list.
 * Read here: `opt_comment` (1) on packets, and on interfaces `if_name` (2),
 * `if_tsresol` (9: units of 10^-n seconds, or 2^-n when the top bit is set;
 * default 6, microseconds) and `if_tsoffset` (14: seconds added to every
 * timestamp).
 *
 * @module
 */

import { decodeUtf8, encodeUtf8, need, pad4, viewOf } from './bytes.js';
import { CaptureFormatError } from './errors.js';
import { COOKED_HEADER_LENGTH, LINKTYPE_NETLINK, writeCookedHeader } from './link.js';
import type { RawPacket } from './link.js';
import type { Direction, Timestamp } from './types.js';

/** Block type of the Section Header Block; the same in both byte orders. */
export const PCAPNG_SECTION_HEADER = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BLOCK_INTERFACE = 1;
const BLOCK_OBSOLETE_PACKET = 2;
const BLOCK_SIMPLE_PACKET = 3;
const BLOCK_ENHANCED_PACKET = 6;

const OPT_END = 0;
const OPT_COMMENT = 1;
const OPT_SHB_USERAPPL = 4;
const OPT_IF_NAME = 2;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

const NS_PER_SECOND = 1_000_000_000n;

/** An interface as its Interface Description Block describes it. */
interface Interface {
  readonly linkType: number;
  readonly snaplen: number;
  readonly name?: string;
  /** Timestamp units per second, from `if_tsresol`. */
  readonly unitsPerSecond: bigint;
  /** Seconds added to every timestamp, from `if_tsoffset`. */
  readonly offsetSeconds: bigint;
}

/** The block currently being read. */
interface Block {
  readonly type: number;
  readonly offset: number;
  readonly length: number;
  /** Offset of the body (after type and length). */
  readonly body: number;
  /** Offset just past the body (where the trailing length starts). */
  readonly end: number;
}

/**
 * Walks the blocks of a pcapng capture. The first Section Header Block is
 * checked when the reader is made, so a capture with a bad start fails before
 * any packet is asked for.
 */
class PcapngReader {
  private readonly view: DataView;
  private littleEndian = true;
  private interfaces: Interface[] = [];

  constructor(private readonly bytes: Uint8Array) {
    this.view = viewOf(bytes);
    const first = this.frame(0);
    if (first.type !== PCAPNG_SECTION_HEADER) {
      throw new CaptureFormatError('bad-magic', `pcapng capture does not start with a Section Header Block`, 0);
    }
    this.sectionHeader(first);
  }

  *packets(): Generator<RawPacket, void, undefined> {
    let offset = 0;
    while (offset < this.bytes.length) {
      const block = this.frame(offset);
      switch (block.type) {
        case PCAPNG_SECTION_HEADER:
          // The first one was read by the constructor.
          if (offset !== 0) this.sectionHeader(block);
          break;
        case BLOCK_INTERFACE:
          this.interfaces.push(this.interfaceDescription(block));
          break;
        case BLOCK_ENHANCED_PACKET:
        case BLOCK_OBSOLETE_PACKET:
          yield this.packet(block);
          break;
        case BLOCK_SIMPLE_PACKET:
          yield this.simplePacket(block);
          break;
        // Other blocks (name resolution, interface statistics, custom, ...) are skipped.
      }
      offset += block.length;
    }
  }

  private u16(at: number): number {
    return this.view.getUint16(at, this.littleEndian);
  }

  private u32(at: number): number {
    return this.view.getUint32(at, this.littleEndian);
  }

  /** Reads and checks a block's framing; a Section Header Block first sets the byte order. */
  private frame(offset: number): Block {
    need(this.bytes, offset, 8, 'pcapng block header');
    // The Section Header Block's type reads the same in both byte orders.
    const type = this.u32(offset);
    if (type === PCAPNG_SECTION_HEADER) {
      need(this.bytes, offset, 12, 'pcapng Section Header Block');
      const magic = this.view.getUint32(offset + 8, true);
      if (magic === BYTE_ORDER_MAGIC) this.littleEndian = true;
      else if (magic === 0x4d3c2b1a) this.littleEndian = false;
      else {
        throw new CaptureFormatError(
          'bad-magic',
          `pcapng byte-order magic is 0x${this.view.getUint32(offset + 8).toString(16).padStart(8, '0')}, not 0x1a2b3c4d in either byte order`,
          offset + 8,
        );
      }
    }
    const length = this.u32(offset + 4);
    if (length < 12 || length % 4 !== 0) {
      throw new CaptureFormatError('bad-length', `pcapng block total length ${length} is ${length < 12 ? 'below 12' : 'not a multiple of 4'}`, offset + 4);
    }
    need(this.bytes, offset, length, `pcapng block of type 0x${type.toString(16)} and length ${length}`);
    const trailer = this.u32(offset + length - 4);
    if (trailer !== length) {
      throw new CaptureFormatError('bad-length', `pcapng block total length mismatch: ${length} at the start, ${trailer} at the end`, offset + length - 4);
    }
    return { type, offset, length, body: offset + 8, end: offset + length - 4 };
  }

  /** Throws unless the block's body holds at least `n` bytes. */
  private minimumBody(block: Block, n: number, name: string): void {
    if (block.end - block.body < n) {
      throw new CaptureFormatError('bad-length', `pcapng ${name} of total length ${block.length} is too short (needs ${n + 12})`, block.offset + 4);
    }
  }

  private sectionHeader(block: Block): void {
    this.minimumBody(block, 16, 'Section Header Block');
    const major = this.u16(block.body + 4);
    if (major !== 1) {
      throw new CaptureFormatError('unsupported-version', `pcapng version ${major}.${this.u16(block.body + 6)} is not supported (expected 1.x)`, block.body + 4);
    }
    this.interfaces = [];
  }

  private interfaceDescription(block: Block): Interface {
    this.minimumBody(block, 8, 'Interface Description Block');
    let name: string | undefined;
    let unitsPerSecond = 1_000_000n;
    let offsetSeconds = 0n;
    this.options(block, block.body + 8, (code, at, length) => {
      if (code === OPT_IF_NAME) name = decodeUtf8(this.bytes.subarray(at, at + length));
      else if (code === OPT_IF_TSRESOL) {
        this.optionLength(code, 'if_tsresol', length, 1, at);
        const v = this.bytes[at];
        unitsPerSecond = v & 0x80 ? 1n << BigInt(v & 0x7f) : 10n ** BigInt(v);
      } else if (code === OPT_IF_TSOFFSET) {
        this.optionLength(code, 'if_tsoffset', length, 8, at);
        offsetSeconds = this.view.getBigInt64(at, this.littleEndian);
      }
    });
    const iface: Interface = { linkType: this.u16(block.body), snaplen: this.u32(block.body + 4), unitsPerSecond, offsetSeconds };
    return name === undefined ? iface : { ...iface, name };
  }

  private optionLength(code: number, name: string, length: number, expected: number, at: number): void {
    if (length !== expected) {
      throw new CaptureFormatError('bad-option', `pcapng option ${name} (${code}) has length ${length}, expected ${expected}`, at - 2);
    }
  }

  /** Calls `visit` for each option from `start` to the end of the block's body. */
  private options(block: Block, start: number, visit: (code: number, at: number, length: number) => void): void {
    let at = start;
    while (at + 4 <= block.end) {
      const code = this.u16(at);
      const length = this.u16(at + 2);
      if (code === OPT_END) return;
      if (at + 4 + length > block.end) {
        throw new CaptureFormatError('bad-option', `pcapng option ${code} of length ${length} runs past the end of its block`, at + 2);
      }
      visit(code, at + 4, length);
      at += 4 + pad4(length);
    }
  }

  private interfaceAt(id: number, at: number): Interface {
    const iface = this.interfaces[id];
    if (iface === undefined) {
      throw new CaptureFormatError(
        'bad-interface',
        `pcapng packet refers to interface ${id}, but its section describes ${this.interfaces.length}`,
        at,
      );
    }
    return iface;
  }

  /** An Enhanced Packet Block, or an obsolete Packet Block (u16 interface id and u16 drops count). */
  private packet(block: Block): RawPacket {
    const name = block.type === BLOCK_ENHANCED_PACKET ? 'Enhanced Packet Block' : 'Packet Block';
    this.minimumBody(block, 20, name);
    const b = block.body;
    const iface = this.interfaceAt(block.type === BLOCK_ENHANCED_PACKET ? this.u32(b) : this.u16(b), b);
    const ticks = (BigInt(this.u32(b + 4)) << 32n) | BigInt(this.u32(b + 8));
    const capturedLength = this.u32(b + 12);
    const data = b + 20;
    if (capturedLength > block.end - data) {
      throw new CaptureFormatError('bad-length', `pcapng ${name} captured length ${capturedLength} does not fit in its block of total length ${block.length}`, b + 12);
    }
    const comments: string[] = [];
    // Writers must pad the data to 4 bytes; a missing pad before the end of the block is tolerated.
    this.options(block, Math.min(data + pad4(capturedLength), block.end), (code, at, length) => {
      if (code === OPT_COMMENT) comments.push(decodeUtf8(this.bytes.subarray(at, at + length)));
    });
    return this.raw(iface, data, capturedLength, this.u32(b + 16), timestampOf(ticks, iface), comments);
  }

  /** A Simple Packet Block: interface 0, no timestamp, captured length implied by the block and the snaplen. */
  private simplePacket(block: Block): RawPacket {
    this.minimumBody(block, 4, 'Simple Packet Block');
    const iface = this.interfaceAt(0, block.offset);
    const originalLength = this.u32(block.body);
    const available = block.end - (block.body + 4);
    const capturedLength = Math.min(originalLength, available, iface.snaplen === 0 ? available : iface.snaplen);
    return this.raw(iface, block.body + 4, capturedLength, originalLength, { seconds: 0, nanoseconds: 0 }, []);
  }

  private raw(iface: Interface, at: number, capturedLength: number, originalLength: number, timestamp: Timestamp, comments: string[]): RawPacket {
    const raw: { -readonly [K in keyof RawPacket]: RawPacket[K] } = {
      linkType: iface.linkType,
      bytes: this.bytes.subarray(at, at + capturedLength),
      offset: at,
      originalLength,
      timestamp,
    };
    if (iface.name !== undefined) raw.interfaceName = iface.name;
    if (comments.length > 0) raw.comment = comments.join('\n');
    return raw;
  }
}

/** Converts a pcapng timestamp in the interface's units to seconds and nanoseconds. */
function timestampOf(ticks: bigint, iface: Interface): Timestamp {
  const units = iface.unitsPerSecond;
  return {
    seconds: Number(ticks / units + iface.offsetSeconds),
    nanoseconds: Number(((ticks % units) * NS_PER_SECOND) / units),
  };
}

/** Checks the first Section Header Block, then yields the packets of every section. */
export function pcapngRecords(bytes: Uint8Array): Generator<RawPacket, void, undefined> {
  return new PcapngReader(bytes).packets();
}

/** One option to write: its code and value (padding is added). */
interface OptionToWrite {
  readonly code: number;
  readonly value: Uint8Array;
}

function optionsLength(options: readonly OptionToWrite[]): number {
  if (options.length === 0) return 0;
  return options.reduce((n, o) => n + 4 + pad4(o.value.length), 4);
}

/**
 * Allocates a little-endian block of `fixed` body bytes followed by the options,
 * writes its framing and options, and returns it with a view for the fixed part.
 */
function buildBlock(type: number, fixed: number, options: readonly OptionToWrite[]): { out: Uint8Array; view: DataView } {
  const length = 12 + pad4(fixed) + optionsLength(options);
  const out = new Uint8Array(length);
  const view = viewOf(out);
  view.setUint32(0, type, true);
  view.setUint32(4, length, true);
  view.setUint32(length - 4, length, true);
  let at = 8 + pad4(fixed);
  for (const { code, value } of options) {
    view.setUint16(at, code, true);
    view.setUint16(at + 2, value.length, true);
    out.set(value, at + 4);
    at += 4 + pad4(value.length);
  }
  // The closing opt_endofopt is all zeros, as allocated.
  return { out, view };
}

function stringOption(code: number, text: string): OptionToWrite {
  const value = encodeUtf8(text);
  if (value.length > 0xffff) throw new RangeError(`pcapng option ${code} is ${value.length} bytes of UTF-8; the limit is 65535`);
  return { code, value };
}

/** A little-endian Section Header Block, version 1.0, section length unknown (-1), with `shb_userappl`. */
export function encodeSectionHeader(application: string): Uint8Array {
  const { out, view } = buildBlock(PCAPNG_SECTION_HEADER, 16, [stringOption(OPT_SHB_USERAPPL, application)]);
  view.setUint32(8, BYTE_ORDER_MAGIC, true);
  view.setUint16(12, 1, true);
  view.setUint16(14, 0, true);
  view.setBigInt64(16, -1n, true);
  return out;
}

/** An Interface Description Block for LINKTYPE_NETLINK with `if_name` (when given) and `if_tsresol` (6 or 9). */
export function encodeInterfaceDescription(snaplen: number, nanosecond: boolean, interfaceName: string | undefined): Uint8Array {
  const options: OptionToWrite[] = [];
  if (interfaceName !== undefined) options.push(stringOption(OPT_IF_NAME, interfaceName));
  options.push({ code: OPT_IF_TSRESOL, value: Uint8Array.of(nanosecond ? 9 : 6) });
  const { out, view } = buildBlock(BLOCK_INTERFACE, 8, options);
  view.setUint16(8, LINKTYPE_NETLINK, true);
  view.setUint32(12, snaplen, true);
  return out;
}

/**
 * An Enhanced Packet Block on interface 0: timestamp in microseconds or
 * nanoseconds, cooked header, as much of `data` as the snaplen allows, and
 * `opt_comment` when given.
 */
export function encodeEnhancedPacket(
  timestamp: Timestamp,
  direction: Direction,
  protocol: number,
  data: Uint8Array,
  nanosecond: boolean,
  snaplen: number,
  comment: string | undefined,
): Uint8Array {
  const originalLength = COOKED_HEADER_LENGTH + data.length;
  const capturedLength = Math.min(originalLength, snaplen);
  const options = comment === undefined ? [] : [stringOption(OPT_COMMENT, comment)];
  const { out, view } = buildBlock(BLOCK_ENHANCED_PACKET, 20 + capturedLength, options);
  const ticks = BigInt(timestamp.seconds) * (nanosecond ? NS_PER_SECOND : 1_000_000n) +
    BigInt(nanosecond ? timestamp.nanoseconds : Math.floor(timestamp.nanoseconds / 1000));
  view.setUint32(8, 0, true);
  view.setUint32(12, Number(ticks >> 32n), true);
  view.setUint32(16, Number(ticks & 0xffffffffn), true);
  view.setUint32(20, capturedLength, true);
  view.setUint32(24, originalLength, true);
  writeCookedHeader(view, 28, direction, protocol);
  out.set(data.subarray(0, capturedLength - COOKED_HEADER_LENGTH), 28 + COOKED_HEADER_LENGTH);
  return out;
}
