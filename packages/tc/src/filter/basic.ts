import { attrs, binary, struct, u32, u64 } from '@nlkit/core';
import { classifierPolice } from '../action/police.js';
import type { ActionList } from '../common.js';
import { ematches } from './ematch.js';

/** `struct tc_basic_pcnt` (`TCA_BASIC_PCNT`). */
export const tcBasicPcnt = struct('tc_basic_pcnt', '', { rcnt: u64, rhit: u64 });

/** `TCA_BASIC_*` (`tc-basic-attrs`) with the given action list codec: match by extended matches. */
export function basicAttrsFor<const A extends ActionList>(act: A) {
  return attrs('TCA_BASIC_', {
    classid: { nla: 1, codec: u32 },
    ematches: { nla: 2, codec: ematches },
    act: { nla: 3, codec: act },
    police: { nla: 4, codec: classifierPolice },
    pcnt: { nla: 5, codec: tcBasicPcnt },
    pad: { nla: 6, codec: binary() },
  }, { name: 'tc-basic-attrs' });
}
