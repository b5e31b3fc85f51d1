import { attrs, binary, struct, u32, u64 } from '@nlkit/core';
import { clsFlags, type ActionList } from '../common.js';

/** `struct tc_matchall_pcnt` (`TCA_MATCHALL_PCNT`). */
export const tcMatchallPcnt = struct('tc_matchall_pcnt', '', { rhit: u64 });

/** `TCA_MATCHALL_*` (`tc-matchall-attrs`) with the given action list codec: every packet matches. */
export function matchallAttrsFor<const A extends ActionList>(act: A) {
  return attrs('TCA_MATCHALL_', {
    classid: { nla: 1, codec: u32 },
    act: { nla: 2, codec: act },
    flags: { nla: 3, codec: clsFlags },
    pcnt: { nla: 4, codec: tcMatchallPcnt },
    pad: { nla: 5, codec: binary() },
  }, { name: 'tc-matchall-attrs' });
}
