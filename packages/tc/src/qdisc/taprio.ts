import { attrs, binary, enumOf, flagsOf, nest, s32, s64, u32, u8, type NestCodec } from '@nlkit/core';
import { tcMqprioQopt } from './mqprio.js';

/** `TC_TAPRIO_CMD_*`. */
export const taprioCmd = enumOf(u8, { setGates: 0, setAndHold: 1, setAndRelease: 2 });

/** `TCA_TAPRIO_SCHED_ENTRY_*` (`tc-taprio-sched-entry`): one gate-control entry. */
export const taprioSchedEntryAttrs = attrs('TCA_TAPRIO_SCHED_ENTRY_', {
  index: { nla: 1, codec: u32 },
  cmd: { nla: 2, codec: taprioCmd },
  gateMask: { nla: 3, codec: u32 },
  interval: { nla: 4, codec: u32 },
}, { name: 'tc-taprio-sched-entry' });

/** `TCA_TAPRIO_SCHED_ENTRY` list (`tc-taprio-sched-entry-list`). */
export const taprioSchedEntryListAttrs = attrs('TCA_TAPRIO_SCHED_', {
  entry: { nla: 1, codec: nest(taprioSchedEntryAttrs), multi: true },
}, { name: 'tc-taprio-sched-entry-list' });

/** `TCA_TAPRIO_TC_ENTRY_*` (`tc-taprio-tc-entry-attrs`): per traffic class limits. */
export const taprioTcEntryAttrs = attrs('TCA_TAPRIO_TC_ENTRY_', {
  index: { nla: 1, codec: u32 },
  maxSdu: { nla: 2, codec: u32 },
  fp: { nla: 3, codec: enumOf(u32, { express: 1, preemptible: 2 }) },
}, { name: 'tc-taprio-tc-entry-attrs' });

/** `TCA_TAPRIO_ATTR_FLAG_*`. */
export const taprioFlags = flagsOf(u32, { txtimeAssist: 1, fullOffload: 2 });

/**
 * `TCA_TAPRIO_ATTR_*` (`tc-taprio-attrs`). The kernel dumps the pending
 * schedule in `TCA_TAPRIO_ATTR_ADMIN_SCHED` with the same attributes.
 */
export const taprioAttrs = attrs('TCA_TAPRIO_ATTR_', {
  priomap: { nla: 1, codec: tcMqprioQopt },
  schedEntryList: { nla: 2, codec: nest(taprioSchedEntryListAttrs) },
  schedBaseTime: { nla: 3, codec: s64 },
  schedSingleEntry: { nla: 4, codec: nest(taprioSchedEntryAttrs) },
  schedClockid: { nla: 5, codec: s32 },
  pad: { nla: 6, codec: binary() },
  adminSched: { nla: 7, codec: (): NestCodec<any> => taprioOptions },
  schedCycleTime: { nla: 8, codec: s64 },
  schedCycleTimeExtension: { nla: 9, codec: s64 },
  flags: { nla: 10, codec: taprioFlags },
  txtimeDelay: { nla: 11, codec: u32 },
  tcEntry: { nla: 12, codec: nest(taprioTcEntryAttrs), multi: true },
}, { name: 'tc-taprio-attrs' });

/** `TCA_OPTIONS` of kind `taprio` (sch_taprio). */
export const taprioOptions: NestCodec<typeof taprioAttrs.defs> = nest(taprioAttrs);
