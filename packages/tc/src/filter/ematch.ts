import { attrs, enumOf, flagsOf, indexedArray, nest, pad, struct, u16 } from '@nlkit/core';
import { headerThenBytes } from '../codecs.js';

/** `struct tcf_ematch_tree_hdr` (`TCA_EMATCH_TREE_HDR`): how many matches, for which program. */
export const tcfEmatchTreeHdr = struct('tcf_ematch_tree_hdr', '', { nmatches: u16, progid: u16 });

/** `TCF_EM_*`: the kind of an extended match. */
export const ematchKind = enumOf(u16, {
  container: 0, cmp: 1, nbyte: 2, u32: 3, meta: 4, text: 5, vlan: 6, canid: 7, ipset: 8, ipt: 9,
});

/** `TCF_EM_REL_AND`, `TCF_EM_REL_OR`, `TCF_EM_INVERT`, `TCF_EM_SIMPLE`: how a match joins the next. */
export const ematchFlags = flagsOf(u16, { and: 1, or: 2, invert: 4, simple: 8 });

/** `struct tcf_ematch_hdr` then the match's own data (`struct tcf_em_cmp`, a `tc_u32_key`, …). */
export const tcfEmatch = headerThenBytes(struct('tcf_ematch_hdr', '', {
  matchid: u16,
  kind: ematchKind,
  flags: ematchFlags,
  _pad: { codec: pad(2), c: 'pad' },
}));

/** `TCA_EMATCH_TREE_*` (`tc-ematch-attrs`): an extended-match expression (`basic match ...`). */
export const ematchAttrs = attrs('TCA_EMATCH_', {
  treeHdr: { nla: 1, codec: tcfEmatchTreeHdr },
  treeList: { nla: 2, codec: indexedArray(tcfEmatch), doc: 'The matches, numbered from 1 in the order they combine.' },
}, { name: 'tc-ematch-attrs' });

/** A classifier's `TCA_*_EMATCHES`. */
export const ematches = nest(ematchAttrs);
