/**
 * The transport seam: all that a live socket, a capture replay or a fake must do.
 *
 * A transport moves whole netlink datagrams. It knows nothing about message
 * types, sequence numbers or attributes; the protocol engine above it does.
 */

/** Netlink protocol numbers (`NETLINK_*` in `<linux/netlink.h>`). */
export const NetlinkProtocol = {
  ROUTE: 0,
  UNUSED: 1,
  USERSOCK: 2,
  FIREWALL: 3,
  SOCK_DIAG: 4,
  NFLOG: 5,
  XFRM: 6,
  SELINUX: 7,
  ISCSI: 8,
  AUDIT: 9,
  FIB_LOOKUP: 10,
  CONNECTOR: 11,
  NETFILTER: 12,
  IP6_FW: 13,
  DNRTMSG: 14,
  KOBJECT_UEVENT: 15,
  GENERIC: 16,
  SCSITRANSPORT: 18,
  ECRYPTFS: 19,
  RDMA: 20,
  CRYPTO: 21,
  SMC: 22,
} as const;

/**
 * Delivered by {@link Transport.receive} in place of a datagram when the
 * kernel dropped messages because the socket's receive buffer overflowed
 * (`recv()` failed with `ENOBUFS`). Whoever keeps state from events must resync.
 */
export interface Overrun {
  /** Always true: what tells an overrun from a {@link Datagram}. */
  readonly overrun: true;
  /** How many datagrams were lost, when the transport knows; otherwise undefined. */
  readonly lost?: number;
}

/**
 * One received datagram and where it came from. A socket that has joined
 * multicast groups also receives notifications of its own changes carrying
 * its own port id and sequence number (the kernel excludes the requester only
 * for `NLM_F_ECHO`), so the protocol engine needs `group` to tell a reply
 * from an event.
 */
export interface Datagram {
  /** The datagram's bytes: one or more netlink messages (`struct nlmsghdr` each), as `recvmsg()` returned them. */
  readonly bytes: Uint8Array;
  /**
   * The multicast group it was delivered to (`NETLINK_PKTINFO`'s `group`, or
   * the bit in `nl_groups` of the source address), or 0 for a unicast reply.
   */
  readonly group: number;
}

/** What {@link Transport.receive} yields: one datagram, or an overrun signal. */
export type Inbound = Datagram | Overrun;

/** True when `x` is an {@link Overrun} signal rather than a datagram. */
export function isOverrun(x: Inbound): x is Overrun {
  return (x as Overrun).overrun === true;
}

/** The singleton overrun signal for transports that cannot count losses. */
export const OVERRUN: Overrun = Object.freeze({ overrun: true as const });

/** Static facts about a transport's socket. */
export interface TransportInfo {
  /** Netlink protocol number (`NETLINK_ROUTE` = 0, ...). */
  readonly protocol: number;
  /** The port id the kernel addresses replies to (`nl_pid` after bind). */
  readonly portId: number;
  /** Multicast groups joined, as group numbers (1-based, as for `NETLINK_ADD_MEMBERSHIP`). */
  readonly groups: readonly number[];
  /** Network namespace the socket lives in, when known (a name or a path). */
  readonly netns?: string;
}

/**
 * A bidirectional datagram channel to a netlink peer.
 *
 * - `send` hands one datagram (one or more netlink messages) to the kernel.
 * - `receive` yields datagrams as they arrive, in order. There is one stream
 *   per transport: calling `receive()` twice returns the same stream. It ends
 *   (returns) when the transport is closed.
 * - `close` releases the socket; pending `receive` iterations finish cleanly.
 */
export interface Transport {
  /** The socket's protocol, port id, groups and namespace. */
  readonly info: TransportInfo;
  /** Sends one datagram (one or more netlink messages) to the kernel, as `sendmsg()` to port 0. */
  send(bytes: Uint8Array): Promise<void>;
  /** The one stream of received datagrams and overrun signals; it ends when the transport is closed. */
  receive(): AsyncIterable<Inbound>;
  /** Releases the socket (`close()` on its descriptor); a pending `receive` iteration returns. */
  close(): Promise<void>;
  /**
   * The receive stream's next item if the transport already holds it, else
   * undefined: never waits, never reads the socket, never ends the stream.
   * A consumer just woken by `receive()` takes the rest of what arrived with
   * it without an `await` each (the kernel answers each request of a batch
   * with an ACK datagram of its own), and a sender takes the reply the
   * kernel gave inside `send` before a pending `next()` is woken for it.
   * For the stream's one consumer: a pending `next()` gets what comes after.
   * Throws what `receive()`'s `next()` would reject with. Optional.
   */
  takeNow?(): Inbound | undefined;
  /**
   * `send`, done synchronously when it can be done at once: true once the
   * datagram is sent; false when it cannot be sent now (the peer is full),
   * in which case nothing was sent and the caller uses `send`, which waits
   * for room. Throws what `send` would reject with. A sender that takes its
   * reply with {@link takeNow} right after needs no promise per request.
   * Optional.
   */
  sendNow?(bytes: Uint8Array): boolean;
  /** Join a multicast group after creation, where the transport supports it. */
  addMembership?(group: number): Promise<void> | void;
  /** Leave a multicast group, where the transport supports it. */
  dropMembership?(group: number): Promise<void> | void;
}
