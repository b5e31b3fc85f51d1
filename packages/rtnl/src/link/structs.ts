/** Link statistics and device-map structs (`<linux/if_link.h>`). */
import { pad, struct, u16, u32, u64, u8 } from '@nlkit/core';

/** `struct rtnl_link_stats` (`IFLA_STATS`): the 32-bit counters. */
export const rtnlLinkStats = struct('rtnl_link_stats', '', {
  rxPackets: u32, txPackets: u32, rxBytes: u32, txBytes: u32, rxErrors: u32, txErrors: u32,
  rxDropped: u32, txDropped: u32, multicast: u32, collisions: u32,
  rxLengthErrors: u32, rxOverErrors: u32, rxCrcErrors: u32, rxFrameErrors: u32, rxFifoErrors: u32, rxMissedErrors: u32,
  txAbortedErrors: u32, txCarrierErrors: u32, txFifoErrors: u32, txHeartbeatErrors: u32, txWindowErrors: u32,
  rxCompressed: u32, txCompressed: u32, rxNohandler: u32,
});

/**
 * `struct rtnl_link_stats64` (`IFLA_STATS64`, `IFLA_STATS_LINK_64`,
 * `IFLA_OFFLOAD_XSTATS_CPU_HIT`). A longer one from a newer kernel keeps its tail.
 */
export const rtnlLinkStats64 = struct('rtnl_link_stats64', '', {
  rxPackets: u64, txPackets: u64, rxBytes: u64, txBytes: u64, rxErrors: u64, txErrors: u64,
  rxDropped: u64, txDropped: u64, multicast: u64, collisions: u64,
  rxLengthErrors: u64, rxOverErrors: u64, rxCrcErrors: u64, rxFrameErrors: u64, rxFifoErrors: u64, rxMissedErrors: u64,
  txAbortedErrors: u64, txCarrierErrors: u64, txFifoErrors: u64, txHeartbeatErrors: u64, txWindowErrors: u64,
  rxCompressed: u64, txCompressed: u64, rxNohandler: u64, rxOtherhostDropped: u64,
});

/** `struct rtnl_hw_stats64` (`IFLA_OFFLOAD_XSTATS_L3_STATS`): counters kept by the hardware. */
export const rtnlHwStats64 = struct('rtnl_hw_stats64', '', {
  rxPackets: u64, txPackets: u64, rxBytes: u64, txBytes: u64, rxErrors: u64, txErrors: u64,
  rxDropped: u64, txDropped: u64, multicast: u64,
});

/** `struct rtnl_link_ifmap` (`IFLA_MAP`), padded to its 8-byte alignment. */
export const rtnlLinkIfmap = struct('rtnl_link_ifmap', '', {
  memStart: u64, memEnd: u64, baseAddr: u64, irq: u16, dma: u8, port: u8,
  _pad: { codec: pad(4), c: '__pad' },
});
