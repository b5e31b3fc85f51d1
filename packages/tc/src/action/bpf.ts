import { attrs, binary, cstring, nest, struct, u16, u32, u8 } from '@nlkit/core';
import { arrayOf } from '../codecs.js';
import { tcGen, tcfT } from '../common.js';

/** `struct sock_filter`: one classic BPF instruction (`TCA_ACT_BPF_OPS`, `TCA_BPF_OPS`). */
export const sockFilter = struct('sock_filter', '', { code: u16, jt: u8, jf: u8, k: u32 });

/** `struct tc_act_bpf` (`TCA_ACT_BPF_PARMS`). */
export const tcActBpf = struct('tc_act_bpf', '', { ...tcGen });

/** `TCA_ACT_BPF_*` (`tc-act-bpf-attrs`): a classic BPF program inline or an eBPF program by fd. */
export const actBpfAttrs = attrs('TCA_ACT_BPF_', {
  tm: { nla: 1, codec: tcfT },
  parms: { nla: 2, codec: tcActBpf },
  opsLen: { nla: 3, codec: u16 },
  ops: { nla: 4, codec: arrayOf(sockFilter) },
  fd: { nla: 5, codec: u32 },
  name: { nla: 6, codec: cstring() },
  pad: { nla: 7, codec: binary() },
  tag: { nla: 8, codec: binary() },
  id: { nla: 9, codec: u32 },
}, { name: 'tc-act-bpf-attrs' });

/** `TCA_ACT_OPTIONS` of kind `bpf` (act_bpf). */
export const actBpfOptions = nest(actBpfAttrs);
