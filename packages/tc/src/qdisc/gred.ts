import { attrs, binary, nest, pad, struct, u32, u64, u8 } from '@nlkit/core';
import { arrayOf } from '../codecs.js';

/** `struct tc_gred_qopt`: one virtual queue's RED parameters and counters. */
export const tcGredQopt = struct('tc_gred_qopt', '', {
  limit: u32,
  qthMin: u32,
  qthMax: u32,
  dp: { codec: u32, c: 'DP' },
  backlog: u32,
  qave: u32,
  forced: u32,
  early: u32,
  other: u32,
  pdrop: u32,
  wlog: { codec: u8, c: 'Wlog' },
  plog: { codec: u8, c: 'Plog' },
  scellLog: { codec: u8, c: 'Scell_log' },
  prio: u8,
  packets: u32,
  bytesin: u32,
});

/** `struct tc_gred_sopt` (`TCA_GRED_DPS`): number of virtual queues, the default one, grio mode. */
export const tcGredSopt = struct('tc_gred_sopt', '', {
  dps: { codec: u32, c: 'DPs' },
  defDp: { codec: u32, c: 'def_DP' },
  grio: u8,
  flags: u8,
  _pad: { codec: pad(2), c: 'pad1' },
});

/** `TCA_GRED_VQ_*` (`tca-gred-vq-entry-attrs`): one virtual queue's flags and statistics. */
export const gredVqEntryAttrs = attrs('TCA_GRED_VQ_', {
  pad: { nla: 1, codec: binary() },
  dp: { nla: 2, codec: u32 },
  statBytes: { nla: 3, codec: u64 },
  statPackets: { nla: 4, codec: u32 },
  statBacklog: { nla: 5, codec: u32 },
  statProbDrop: { nla: 6, codec: u32 },
  statProbMark: { nla: 7, codec: u32 },
  statForcedDrop: { nla: 8, codec: u32 },
  statForcedMark: { nla: 9, codec: u32 },
  statPdrop: { nla: 10, codec: u32 },
  statOther: { nla: 11, codec: u32 },
  flags: { nla: 12, codec: u32 },
}, { name: 'tca-gred-vq-entry-attrs' });

/** `TCA_GRED_VQ_ENTRY` list (`tca-gred-vq-list-attrs`). */
export const gredVqListAttrs = attrs('TCA_GRED_VQ_', {
  entry: { nla: 1, codec: nest(gredVqEntryAttrs), multi: true },
}, { name: 'tca-gred-vq-list-attrs' });

/** `TCA_GRED_*` (`tc-gred-attrs`). */
export const gredAttrs = attrs('TCA_GRED_', {
  parms: { nla: 1, codec: arrayOf(tcGredQopt, { max: 2 }), doc: 'One `struct tc_gred_qopt` per virtual queue (`MAX_DPs` = 16).' },
  stab: { nla: 2, codec: arrayOf(u8) },
  dps: { nla: 3, codec: tcGredSopt },
  maxP: { nla: 4, codec: arrayOf(u32) },
  limit: { nla: 5, codec: u32 },
  vqList: { nla: 6, codec: nest(gredVqListAttrs) },
}, { name: 'tc-gred-attrs' });

/** `TCA_OPTIONS` of kind `gred` (sch_gred). */
export const gredOptions = nest(gredAttrs);
