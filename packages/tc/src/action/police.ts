import { attrs, binary, nest, s32, struct, u32, u64 } from '@nlkit/core';
import { arrayOf } from '../codecs.js';
import { tcRatespec, tcVerdict, tcVerdictU32, tcfT } from '../common.js';

/** `struct tc_police` (`TCA_POLICE_TBF`): the policer's rate, burst (in ticks) and exceed verdict. */
export const tcPolice = struct('tc_police', '', {
  index: u32,
  action: tcVerdict,
  limit: u32,
  burst: u32,
  mtu: u32,
  rate: tcRatespec,
  peakrate: tcRatespec,
  refcnt: s32,
  bindcnt: s32,
  capab: u32,
});

function policeAttrsNamed<const N extends string>(name: N) {
  return attrs('TCA_POLICE_', {
    tbf: { nla: 1, codec: tcPolice },
    rate: { nla: 2, codec: arrayOf(u32, { max: 4 }), doc: 'Rate table: transmit time in ticks per size cell (`__u32[256]`).' },
    peakrate: { nla: 3, codec: arrayOf(u32, { max: 4 }), doc: 'Peak-rate table (`__u32[256]`).' },
    avrate: { nla: 4, codec: u32 },
    result: { nla: 5, codec: tcVerdictU32, doc: 'Verdict when the rate is conformed (`conform-exceed X/Y`: Y).' },
    tm: { nla: 6, codec: tcfT },
    pad: { nla: 7, codec: binary() },
    rate64: { nla: 8, codec: u64 },
    peakrate64: { nla: 9, codec: u64 },
    pktrate64: { nla: 10, codec: u64 },
    pktburst64: { nla: 11, codec: u64 },
  }, { name });
}

/** `TCA_POLICE_*` (`tc-police-attrs`): the `police` of a classifier (`TCA_U32_POLICE`, …). */
export const policeAttrs = policeAttrsNamed('tc-police-attrs');

/** `TCA_POLICE_*` as the options of the `police` action (`tc-act-police-attrs`). */
export const actPoliceAttrs = policeAttrsNamed('tc-act-police-attrs');

/** `TCA_ACT_OPTIONS` of kind `police` (act_police). */
export const policeOptions = nest(actPoliceAttrs);

/** A classifier's `TCA_*_POLICE`. */
export const classifierPolice = nest(policeAttrs);
