import { attrs, enumOf, flagsOf, u32 } from '@nlkit/core';
import { classifierPolice } from '../action/police.js';
import type { ActionList } from '../common.js';
import { ematches } from './ematch.js';

/** `FLOW_KEY_*` as bits (`1 << FLOW_KEY_SRC`, …): the packet fields hashed or mapped. */
export const flowKeys = flagsOf(u32, {
  src: 1 << 0, dst: 1 << 1, proto: 1 << 2, protoSrc: 1 << 3, protoDst: 1 << 4, iif: 1 << 5, priority: 1 << 6,
  mark: 1 << 7, nfct: 1 << 8, nfctSrc: 1 << 9, nfctDst: 1 << 10, nfctProtoSrc: 1 << 11, nfctProtoDst: 1 << 12,
  rtclassid: 1 << 13, skuid: 1 << 14, skgid: 1 << 15, vlanTag: 1 << 16, rxhash: 1 << 17,
});

/** `FLOW_MODE_*`. */
export const flowMode = enumOf(u32, { map: 0, hash: 1 });

/** `TCA_FLOW_*` (`tc-flow-attrs`) with the given action list codec: classes from a hash or map of flow keys. */
export function flowAttrsFor<const A extends ActionList>(act: A) {
  return attrs('TCA_FLOW_', {
    keys: { nla: 1, codec: flowKeys },
    mode: { nla: 2, codec: flowMode },
    baseclass: { nla: 3, codec: u32 },
    rshift: { nla: 4, codec: u32 },
    addend: { nla: 5, codec: u32 },
    mask: { nla: 6, codec: u32 },
    xor: { nla: 7, codec: u32 },
    divisor: { nla: 8, codec: u32 },
    act: { nla: 9, codec: act },
    police: { nla: 10, codec: classifierPolice },
    ematches: { nla: 11, codec: ematches },
    perturb: { nla: 12, codec: u32 },
  }, { name: 'tc-flow-attrs' });
}
