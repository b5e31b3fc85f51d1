/**
 * `@nlkit/pcap`: read and write captures of netlink traffic in the pcap and
 * pcapng formats, as `tcpdump -i nlmon0 -w FILE` writes them (link type
 * `LINKTYPE_NETLINK`, 253), so that Wireshark and tshark decode them as
 * netlink. Pure `Uint8Array`/`DataView`: runs in Node and in browsers. File
 * helpers live in `@nlkit/pcap/node`.
 *
 * @module
 */

export { CaptureFormatError } from './errors.js';
export type { CaptureErrorCode } from './errors.js';
export type { CaptureFormat, CapturedPacket, Direction, NonNetlinkPolicy, ReadOptions, Timestamp } from './types.js';
export {
  ARPHRD_NETLINK,
  COOKED_HEADER_LENGTH,
  inferDirection,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_NETLINK,
  PACKET_KERNEL,
  PACKET_OUTGOING,
  PACKET_USER,
  SLL2_HEADER_LENGTH,
} from './link.js';
export { DEFAULT_SNAPLEN, PCAP_MAGIC_MICROSECONDS, PCAP_MAGIC_NANOSECONDS } from './pcap.js';
export { detectCaptureFormat, iterateCapture, parseCapture, readCapture } from './read.js';
export type { ParseOptions, ParsedCapture } from './read.js';
export { PcapStreamWriter, PcapWriter } from './write.js';
export type { ChunkSink, PacketToWrite, WriterOptions } from './write.js';
export { GROUP_COMMENT_PREFIX, OVERRUN_COMMENT, recordTransport } from './record.js';
