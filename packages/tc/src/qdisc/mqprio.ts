import { attrs, enumOf, fixedArray, nest, struct, u16, u32, u64, u8 } from '@nlkit/core';
import { withHeader } from '../codecs.js';

/** `struct tc_mqprio_qopt`: traffic classes, the priority map and each class's queue range. */
export const tcMqprioQopt = struct('tc_mqprio_qopt', '', {
  numTc: u8,
  prioTcMap: fixedArray(u8, 16),
  hw: u8,
  count: fixedArray(u16, 16),
  offset: fixedArray(u16, 16),
});

/** Repeated `TCA_MQPRIO_MIN_RATE64` / `TCA_MQPRIO_MAX_RATE64` values, one per class, in their nest. */
export const mqprioRateAttrs = attrs('TCA_MQPRIO_', {
  minRate64: { nla: 3, codec: u64, multi: true },
  maxRate64: { nla: 4, codec: u64, multi: true },
}, { name: 'tc-mqprio-rate-attrs' });

/** `TCA_MQPRIO_TC_ENTRY_*`: per traffic class settings. */
export const mqprioTcEntryAttrs = attrs('TCA_MQPRIO_TC_ENTRY_', {
  index: { nla: 1, codec: u32 },
  fp: { nla: 2, codec: enumOf(u32, { express: 1, preemptible: 2 }) },
}, { name: 'tc-mqprio-tc-entry-attrs' });

/** `TCA_MQPRIO_*`, after `struct tc_mqprio_qopt`. */
export const mqprioAttrs = attrs('TCA_MQPRIO_', {
  mode: { nla: 1, codec: enumOf(u16, { dcb: 0, channel: 1 }) },
  shaper: { nla: 2, codec: enumOf(u16, { dcb: 0, bwRate: 1 }) },
  minRate64: { nla: 3, codec: nest(mqprioRateAttrs) },
  maxRate64: { nla: 4, codec: nest(mqprioRateAttrs) },
  tcEntry: { nla: 5, codec: nest(mqprioTcEntryAttrs), multi: true },
}, { name: 'tc-mqprio-attrs' });

/** `TCA_OPTIONS` of kind `mqprio` (sch_mqprio): `struct tc_mqprio_qopt`, then `TCA_MQPRIO_*`. */
export const mqprioOptions = withHeader(tcMqprioQopt, mqprioAttrs);
