import { attrs, binary, cstring, flagsOf, u16, u32 } from '@nlkit/core';
import { sockFilter } from '../action/bpf.js';
import { classifierPolice } from '../action/police.js';
import { arrayOf } from '../codecs.js';
import { clsFlags, type ActionList } from '../common.js';

/** `TCA_BPF_FLAG_ACT_DIRECT`: the program's return value is the verdict (`da`). */
export const bpfFlags = flagsOf(u32, { actDirect: 1 });

/** `TCA_BPF_*` (`tc-bpf-attrs`) with the given action list codec. */
export function bpfAttrsFor<const A extends ActionList>(act: A) {
  return attrs('TCA_BPF_', {
    act: { nla: 1, codec: act },
    police: { nla: 2, codec: classifierPolice },
    classid: { nla: 3, codec: u32 },
    opsLen: { nla: 4, codec: u16 },
    ops: { nla: 5, codec: arrayOf(sockFilter) },
    fd: { nla: 6, codec: u32 },
    name: { nla: 7, codec: cstring() },
    flags: { nla: 8, codec: bpfFlags },
    flagsGen: { nla: 9, codec: clsFlags },
    tag: { nla: 10, codec: binary() },
    id: { nla: 11, codec: u32 },
  }, { name: 'tc-bpf-attrs' });
}
