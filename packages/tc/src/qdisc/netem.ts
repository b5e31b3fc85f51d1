import { attrs, nest, s16, s32, s64, struct, u32, u64 } from '@nlkit/core';
import { arrayOf, withHeader } from '../codecs.js';

/** `struct tc_netem_qopt`: delay and jitter (ticks), fifo limit, loss/duplicate probabilities (0..2^32-1). */
export const tcNetemQopt = struct('tc_netem_qopt', '', {
  latency: u32,
  limit: u32,
  loss: u32,
  gap: u32,
  duplicate: u32,
  jitter: u32,
});

/** `struct tc_netem_corr` (`TCA_NETEM_CORR`). */
export const tcNetemCorr = struct('tc_netem_corr', '', { delayCorr: u32, lossCorr: u32, dupCorr: u32 });
/** `struct tc_netem_reorder` (`TCA_NETEM_REORDER`). */
export const tcNetemReorder = struct('tc_netem_reorder', '', { probability: u32, correlation: u32 });
/** `struct tc_netem_corrupt` (`TCA_NETEM_CORRUPT`). */
export const tcNetemCorrupt = struct('tc_netem_corrupt', '', { probability: u32, correlation: u32 });
/** `struct tc_netem_rate` (`TCA_NETEM_RATE`). */
export const tcNetemRate = struct('tc_netem_rate', '', { rate: u32, packetOverhead: s32, cellSize: u32, cellOverhead: s32 });
/** `struct tc_netem_slot` (`TCA_NETEM_SLOT`), times in ns. */
export const tcNetemSlot = struct('tc_netem_slot', '', {
  minDelay: s64,
  maxDelay: s64,
  maxPackets: s32,
  maxBytes: s32,
  distDelay: s64,
  distJitter: s64,
});
/** `struct tc_netem_gimodel` (`NETEM_LOSS_GI`): 4-state loss model. */
export const tcNetemGimodel = struct('tc_netem_gimodel', '', { p13: u32, p31: u32, p32: u32, p14: u32, p23: u32 });
/** `struct tc_netem_gemodel` (`NETEM_LOSS_GE`): Gilbert-Elliott loss model. */
export const tcNetemGemodel = struct('tc_netem_gemodel', '', { p: u32, r: u32, h: u32, k1: u32 });

/** `NETEM_LOSS_*` (`tc-netem-loss-attrs`, in `TCA_NETEM_LOSS`). */
export const netemLossAttrs = attrs('NETEM_LOSS_', {
  gi: { nla: 1, codec: tcNetemGimodel },
  ge: { nla: 2, codec: tcNetemGemodel },
}, { name: 'tc-netem-loss-attrs' });

/** `TCA_NETEM_*` (`tc-netem-attrs`), after `struct tc_netem_qopt`. */
export const netemAttrs = attrs('TCA_NETEM_', {
  corr: { nla: 1, codec: tcNetemCorr },
  delayDist: { nla: 2, codec: arrayOf(s16) },
  reorder: { nla: 3, codec: tcNetemReorder },
  corrupt: { nla: 4, codec: tcNetemCorrupt },
  loss: { nla: 5, codec: nest(netemLossAttrs) },
  rate: { nla: 6, codec: tcNetemRate },
  ecn: { nla: 7, codec: u32 },
  rate64: { nla: 8, codec: u64 },
  pad: { nla: 9, codec: u32 },
  latency64: { nla: 10, codec: s64 },
  jitter64: { nla: 11, codec: s64 },
  slot: { nla: 12, codec: tcNetemSlot },
  slotDist: { nla: 13, codec: arrayOf(s16) },
  prngSeed: { nla: 14, codec: u64 },
}, { name: 'tc-netem-attrs' });

/** `TCA_OPTIONS` of kind `netem` (sch_netem): `struct tc_netem_qopt`, then `TCA_NETEM_*`. */
export const netemOptions = withHeader(tcNetemQopt, netemAttrs);
