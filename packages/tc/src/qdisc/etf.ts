import { attrs, flagsOf, nest, s32, struct, u32 } from '@nlkit/core';

/** `TC_ETF_DEADLINE_MODE_ON`, `TC_ETF_OFFLOAD_ON`, `TC_ETF_SKIP_SOCK_CHECK` (the C field is an `__s32`; read as bits). */
export const etfFlags = flagsOf(u32, { deadlineMode: 1, offload: 2, skipSockCheck: 4 });

/** `struct tc_etf_qopt` (`TCA_ETF_PARMS`). */
export const tcEtfQopt = struct('tc_etf_qopt', '', { delta: s32, clockid: s32, flags: etfFlags });

/** `TCA_ETF_*` (`tc-etf-attrs`). */
export const etfAttrs = attrs('TCA_ETF_', {
  parms: { nla: 1, codec: tcEtfQopt },
}, { name: 'tc-etf-attrs' });

/** `TCA_OPTIONS` of kind `etf` (sch_etf). */
export const etfOptions = nest(etfAttrs);
