/**
 * Numbers from the kernel's UAPI headers that the live transport and the
 * namespace helpers pass to libc. Values are those of the asm-generic ABI
 * (x86-64, arm64, riscv64, loongarch64), which is where Node and koffi run.
 */

/** `AF_NETLINK` from `<linux/socket.h>`. */
export const AF_NETLINK = 16;
/** `SOCK_RAW` from `<linux/net.h>`. */
export const SOCK_RAW = 3;
/** `SOCK_CLOEXEC` (= `O_CLOEXEC`) from `<linux/net.h>`. */
export const SOCK_CLOEXEC = 0o2000000;

/** `SOL_SOCKET` from `<asm-generic/socket.h>`. */
export const SOL_SOCKET = 1;
/** `SOL_NETLINK` from `<linux/socket.h>`. */
export const SOL_NETLINK = 270;

/** Socket-level options (`SO_*`, level `SOL_SOCKET`) from `<asm-generic/socket.h>`. */
export const SocketOption = {
  /** `SO_SNDBUF`: send buffer size; the kernel doubles the value given. */
  SO_SNDBUF: 7,
  /** `SO_RCVBUF`: receive buffer size; the kernel doubles the value given, capped by `net.core.rmem_max`. */
  SO_RCVBUF: 8,
  /** `SO_SNDBUFFORCE`: as `SO_SNDBUF`, ignoring `net.core.wmem_max` (needs `CAP_NET_ADMIN`). */
  SO_SNDBUFFORCE: 32,
  /** `SO_RCVBUFFORCE`: as `SO_RCVBUF`, ignoring `net.core.rmem_max` (needs `CAP_NET_ADMIN`). */
  SO_RCVBUFFORCE: 33,
} as const;

/** Netlink socket options (level `SOL_NETLINK`) from `<linux/netlink.h>`. */
export const NetlinkSocketOption = {
  /** `NETLINK_ADD_MEMBERSHIP`: join a multicast group given by number (not a bitmask). */
  NETLINK_ADD_MEMBERSHIP: 1,
  /** `NETLINK_DROP_MEMBERSHIP`: leave a multicast group given by number. */
  NETLINK_DROP_MEMBERSHIP: 2,
  /** `NETLINK_PKTINFO`: deliver the destination group as an ancillary message. */
  NETLINK_PKTINFO: 3,
  /** `NETLINK_BROADCAST_ERROR`: report broadcast delivery failures to the sender. */
  NETLINK_BROADCAST_ERROR: 4,
  /** `NETLINK_NO_ENOBUFS`: never report receive-buffer overruns (`ENOBUFS`). */
  NETLINK_NO_ENOBUFS: 5,
  /** `NETLINK_LISTEN_ALL_NSID`: receive group messages from every peer namespace with an nsid. */
  NETLINK_LISTEN_ALL_NSID: 8,
  /** `NETLINK_LIST_MEMBERSHIPS`: read the joined groups as a bitmask array (getsockopt only). */
  NETLINK_LIST_MEMBERSHIPS: 9,
  /** `NETLINK_CAP_ACK`: do not echo the request's payload in error acks. */
  NETLINK_CAP_ACK: 10,
  /** `NETLINK_EXT_ACK`: attach extended-ack TLVs (message, offset) to error and ack replies. */
  NETLINK_EXT_ACK: 11,
  /** `NETLINK_GET_STRICT_CHK`: ask the kernel to validate dump requests strictly and honour filters. */
  NETLINK_GET_STRICT_CHK: 12,
} as const;

/** `MSG_PEEK` from `<linux/socket.h>`. */
export const MSG_PEEK = 0x02;
/** `MSG_TRUNC`: on receive, return the datagram's real length even when it did not fit. */
export const MSG_TRUNC = 0x20;
/** `MSG_DONTWAIT`: fail with `EAGAIN` instead of blocking. */
export const MSG_DONTWAIT = 0x40;

/** `O_RDONLY` from `<asm-generic/fcntl.h>`. */
export const O_RDONLY = 0;
/** `O_CREAT` from `<asm-generic/fcntl.h>`. */
export const O_CREAT = 0o100;
/** `O_EXCL` from `<asm-generic/fcntl.h>`. */
export const O_EXCL = 0o200;
/** `O_CLOEXEC` from `<asm-generic/fcntl.h>`. */
export const O_CLOEXEC = 0o2000000;

/** `CLONE_NEWNET` from `<linux/sched.h>`: the network namespace type for `setns`/`unshare`. */
export const CLONE_NEWNET = 0x40000000;

/** `MS_BIND` from `<linux/mount.h>`. */
export const MS_BIND = 4096;
/** `MS_REC` from `<linux/mount.h>`. */
export const MS_REC = 16384;
/** `MS_SHARED` from `<linux/mount.h>`. */
export const MS_SHARED = 1 << 20;
/** `MNT_DETACH` from `<linux/mount.h>`: lazy unmount for `umount2`. */
export const MNT_DETACH = 2;

/** `sizeof(struct sockaddr_nl)`: family u16, pad u16, pid u32, groups u32. */
export const SOCKADDR_NL_SIZE = 12;
