import { attrs, nest, struct, u32, u64 } from '@nlkit/core';

/** `struct tc_service_curve`: two-piece linear curve, slopes `m1`/`m2` in bytes/s, `d` in microseconds. */
export const tcServiceCurve = struct('tc_service_curve', '', { m1: u32, d: u32, m2: u32 });

/** `TCA_HFSC_*` (`tc-hfsc-attrs`): an hfsc class's real-time, link-sharing and upper-limit curves. */
export const hfscAttrs = attrs('TCA_HFSC_', {
  rsc: { nla: 1, codec: tcServiceCurve },
  fsc: { nla: 2, codec: tcServiceCurve },
  usc: { nla: 3, codec: tcServiceCurve },
}, { name: 'tc-hfsc-attrs' });

/** `TCA_OPTIONS` of an hfsc class (the qdisc's is `struct tc_hfsc_qopt`). */
export const hfscClassOptions = nest(hfscAttrs);

/** `struct tc_hfsc_stats`: an hfsc class's `TCA_STATS_APP`. */
export const tcHfscStats = struct('tc_hfsc_stats', '', { work: u64, rtwork: u64, period: u32, level: u32 });
