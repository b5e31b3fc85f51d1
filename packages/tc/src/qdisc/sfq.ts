import { s32, struct, u32, u8 } from '@nlkit/core';

/** `struct tc_sfq_qopt`: the original SFQ options (what older `tc` sends alone). */
export const tcSfqQopt = struct('tc_sfq_qopt', '', {
  quantum: u32,
  perturbPeriod: s32,
  limit: u32,
  divisor: u32,
  flows: u32,
});

/** `struct tc_sfqred_stats`. */
export const tcSfqredStats = struct('tc_sfqred_stats', '', {
  probDrop: u32,
  forcedDrop: u32,
  probMark: u32,
  forcedMark: u32,
  probMarkHead: u32,
  forcedMarkHead: u32,
});

/**
 * `struct tc_sfq_qopt_v1`: `TCA_OPTIONS` of kind `sfq` (sch_sfq). A payload
 * of only the 20-byte `v0` decodes with the other fields absent.
 */
export const tcSfqQoptV1 = struct('tc_sfq_qopt_v1', '', {
  v0: tcSfqQopt,
  depth: u32,
  headdrop: u32,
  limit: u32,
  qthMin: u32,
  qthMax: u32,
  wlog: { codec: u8, c: 'Wlog' },
  plog: { codec: u8, c: 'Plog' },
  scellLog: { codec: u8, c: 'Scell_log' },
  flags: u8,
  maxP: { codec: u32, c: 'max_P' },
  stats: tcSfqredStats,
});

/** `TCA_OPTIONS` of kind `sfq`. */
export const sfqOptions = tcSfqQoptV1;

/** `struct tc_sfq_xstats` (per-flow class statistics). */
export const tcSfqXstats = struct('tc_sfq_xstats', '', { allot: s32 });
