import { attrs, binary, enumOf, nest, pad, struct, u16, u32, u8 } from '@nlkit/core';
import { flexStruct } from '../codecs.js';
import { tcGen, tcfT } from '../common.js';

/** `struct tc_pedit_key`: `*(u32 *)(hdr + off) = (old & mask) ^ val`. */
export const tcPeditKey = struct('tc_pedit_key', '', { mask: u32, val: u32, off: u32, at: u32, offmask: u32, shift: u32 });

/** `struct tc_pedit_sel` (`TCA_PEDIT_PARMS`, `TCA_PEDIT_PARMS_EX`): the keys; `nkeys` is written from `keys`. */
export const tcPeditSel = flexStruct(
  struct('tc_pedit_sel', '', { ...tcGen, nkeys: u8, flags: u8, _pad: { codec: pad(2), c: '__pad' } }),
  'keys',
  tcPeditKey,
  'nkeys',
);

/** `TCA_PEDIT_KEY_EX_*`: the header type and command of one key. */
export const peditKeyExAttrs = attrs('TCA_PEDIT_KEY_EX_', {
  htype: { nla: 1, codec: enumOf(u16, { network: 0, eth: 1, ip4: 2, ip6: 3, tcp: 4, udp: 5 }) },
  cmd: { nla: 2, codec: enumOf(u16, { set: 0, add: 1 }) },
}, { name: 'tc-act-pedit-key-ex-attrs' });

/** The `TCA_PEDIT_KEY_EX` list (`TCA_PEDIT_KEYS_EX`), one per key. */
export const peditKeysExAttrs = attrs('TCA_PEDIT_', {
  keyEx: { nla: 6, codec: nest(peditKeyExAttrs), multi: true },
}, { name: 'tc-act-pedit-keys-ex-attrs' });

/** `TCA_PEDIT_*` (`tc-act-pedit-attrs`): rewrite packet bytes. */
export const peditAttrs = attrs('TCA_PEDIT_', {
  tm: { nla: 1, codec: tcfT },
  parms: { nla: 2, codec: tcPeditSel },
  pad: { nla: 3, codec: binary() },
  parmsEx: { nla: 4, codec: tcPeditSel },
  keysEx: { nla: 5, codec: nest(peditKeysExAttrs) },
  keyEx: { nla: 6, codec: nest(peditKeyExAttrs) },
}, { name: 'tc-act-pedit-attrs' });

/** `TCA_ACT_OPTIONS` of kind `pedit` (act_pedit). */
export const peditOptions = nest(peditAttrs);
