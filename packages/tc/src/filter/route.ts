import { attrs, u32 } from '@nlkit/core';
import { classifierPolice } from '../action/police.js';
import type { ActionList } from '../common.js';

/** `TCA_ROUTE4_*` (`tc-route-attrs`) with the given action list codec: classify by routing realm. */
export function routeAttrsFor<const A extends ActionList>(act: A) {
  return attrs('TCA_ROUTE4_', {
    classid: { nla: 1, codec: u32 },
    to: { nla: 2, codec: u32 },
    from: { nla: 3, codec: u32 },
    iif: { nla: 4, codec: u32 },
    police: { nla: 5, codec: classifierPolice },
    act: { nla: 6, codec: act },
  }, { name: 'tc-route-attrs' });
}
