import { attrs, binary, flag, nest, s32, struct, u32, u64 } from '@nlkit/core';
import { tcGen, tcfT } from '../common.js';

/** `struct tc_gate` (`TCA_GATE_PARMS`). */
export const tcGate = struct('tc_gate', '', { ...tcGen });

/** `TCA_GATE_ENTRY_*`: one interval of the gate schedule. */
export const gateEntryAttrs = attrs('TCA_GATE_ENTRY_', {
  index: { nla: 1, codec: u32 },
  gate: { nla: 2, codec: flag },
  interval: { nla: 3, codec: u32 },
  ipv: { nla: 4, codec: s32 },
  maxOctets: { nla: 5, codec: s32 },
}, { name: 'tc-act-gate-entry-attrs' });

/** `TCA_GATE_ONE_ENTRY` list (`TCA_GATE_ENTRY_LIST`). */
export const gateEntryListAttrs = attrs('TCA_GATE_', {
  oneEntry: { nla: 1, codec: nest(gateEntryAttrs), multi: true },
}, { name: 'tc-act-gate-entry-list-attrs' });

/** `TCA_GATE_*` (`tc-act-gate-attrs`): IEEE 802.1Qci stream gate. */
export const gateAttrs = attrs('TCA_GATE_', {
  tm: { nla: 1, codec: tcfT },
  parms: { nla: 2, codec: tcGate },
  pad: { nla: 3, codec: binary() },
  priority: { nla: 4, codec: s32 },
  entryList: { nla: 5, codec: nest(gateEntryListAttrs) },
  baseTime: { nla: 6, codec: u64 },
  cycleTime: { nla: 7, codec: u64 },
  cycleTimeExt: { nla: 8, codec: u64 },
  flags: { nla: 9, codec: u32 },
  clockid: { nla: 10, codec: s32 },
}, { name: 'tc-act-gate-attrs' });

/** `TCA_ACT_OPTIONS` of kind `gate` (act_gate). */
export const gateOptions = nest(gateAttrs);
