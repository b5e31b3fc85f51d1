import { attrs } from '@nlkit/core';
import { classifierPolice } from '../action/police.js';
import type { ActionList } from '../common.js';
import { ematches } from './ematch.js';

/** `TCA_CGROUP_*` (`tc-cgroup-attrs`) with the given action list codec: classify by the socket's cgroup. */
export function cgroupAttrsFor<const A extends ActionList>(act: A) {
  return attrs('TCA_CGROUP_', {
    act: { nla: 1, codec: act },
    police: { nla: 2, codec: classifierPolice },
    ematches: { nla: 3, codec: ematches },
  }, { name: 'tc-cgroup-attrs' });
}
