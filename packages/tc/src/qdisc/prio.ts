import { fixedArray, s32, struct, u8 } from '@nlkit/core';

/** `struct tc_prio_qopt`: the `TCA_OPTIONS` of kinds `prio` and `pfifo_fast`, and `TCA_FQ_PRIOMAP`. */
export const tcPrioQopt = struct('tc_prio_qopt', '', {
  bands: s32,
  priomap: fixedArray(u8, 16),
});

/** `TCA_OPTIONS` of kinds `prio` (sch_prio) and `pfifo_fast` (the default qdisc): a bare `struct tc_prio_qopt`. */
export const prioOptions = tcPrioQopt;
