/**
 * A point in time as capture files store it: whole seconds since the Unix
 * epoch (UTC) plus nanoseconds within that second (0 ≤ nanoseconds < 10⁹).
 *
 * Files with microsecond resolution give multiples of 1000 nanoseconds.
 * Seconds beyond 2⁵³ (only reachable with exotic pcapng resolutions) lose precision.
 */
export interface Timestamp {
  /** Whole seconds since the Unix epoch, UTC (pcap's `ts_sec`). */
  readonly seconds: number;
  /** Nanoseconds within that second, 0 to 999 999 999 (pcap's `ts_usec` × 1000 in microsecond files). */
  readonly nanoseconds: number;
}

/**
 * Which way a netlink datagram travelled, as the kernel's netlink tap marks
 * it in the cooked header's packet type: `'to-kernel'` is `PACKET_KERNEL` (7,
 * received by a kernel socket: user → kernel, e.g. a request), `'from-kernel'`
 * is `PACKET_USER` (6, received by a user-space socket, e.g. a reply or a
 * multicast event).
 */
export type Direction = 'to-kernel' | 'from-kernel';

/** One netlink datagram read from a capture. */
export interface CapturedPacket {
  /** When it was captured. SPB packets (pcapng Simple Packet Blocks) carry no time and read as 0 s. */
  timestamp: Timestamp;
  /**
   * Its direction from the packet type, or `'unknown'` when that is neither 7
   * nor 6, as in files recorded by `tcpdump -i nlmon0` (always 4,
   * `PACKET_OUTGOING`); `inferDirection(data)` can guess it then.
   */
  direction: Direction | 'unknown';
  /** The raw packet type from the pseudo header (7 = `PACKET_KERNEL`, 6 = `PACKET_USER`, 4 = `PACKET_OUTGOING`). */
  packetType: number;
  /** The netlink family from the pseudo header (`NETLINK_ROUTE` = 0, `NETLINK_GENERIC` = 16, ...). */
  protocol: number;
  /**
   * The netlink messages of the datagram, without the pseudo header, in the
   * capturing host's byte order. A subarray of the capture: no copy is made.
   */
  data: Uint8Array;
  /**
   * Length of the datagram on the wire, pseudo header excluded. Greater than
   * `data.length` when the capture's snapshot length cut the packet; never less.
   */
  originalLength: number;
  /** The link type the packet was read from: 253 (`LINKTYPE_NETLINK`), 113 or 276 (Linux cooked capture). */
  linkType: number;
  /** The pcapng interface's `if_name` option, when present. */
  interfaceName?: string;
  /** The packet block's `opt_comment` options, joined with `"\n"` when there are several. */
  comment?: string;
}

/** What to do with a packet that does not carry netlink; see {@link ReadOptions.nonNetlink}. */
export type NonNetlinkPolicy = 'error' | 'skip';

/** Options shared by all readers. */
export interface ReadOptions {
  /**
   * What to do with packets that are not netlink: packets of an interface or
   * file whose link type is not 253, 113 or 276, and cooked-capture (113/276)
   * packets whose ARPHRD type is not 824. `'error'` (the default) throws a
   * `CaptureFormatError` with code `unsupported-link-type` naming the link
   * type; `'skip'` leaves them out, which suits `tcpdump -i any` captures.
   */
  readonly nonNetlink?: NonNetlinkPolicy;
}

/** The two container formats: classic pcap (libpcap) and pcapng. */
export type CaptureFormat = 'pcap' | 'pcapng';
