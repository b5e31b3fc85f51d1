import { attrs, cstring, u32 } from '@nlkit/core';
import { classifierPolice } from '../action/police.js';
import type { ActionList } from '../common.js';

/** `TCA_FW_*` (`tc-fw-attrs`) with the given action list codec: classify by the firewall mark (the handle). */
export function fwAttrsFor<const A extends ActionList>(act: A) {
  return attrs('TCA_FW_', {
    classid: { nla: 1, codec: u32 },
    police: { nla: 2, codec: classifierPolice },
    indev: { nla: 3, codec: cstring({ max: 15 }) },
    act: { nla: 4, codec: act },
    mask: { nla: 5, codec: u32 },
  }, { name: 'tc-fw-attrs' });
}
