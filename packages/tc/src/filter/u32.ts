import { attrs, binary, cstring, flagsOf, pad, s16, s32, struct, u16, u16be, u32, u32be, u64, u8 } from '@nlkit/core';
import { classifierPolice } from '../action/police.js';
import { flexStruct } from '../codecs.js';
import { clsFlags, type ActionList } from '../common.js';

/** `struct tc_u32_key`: match `(*(be32 *)(base + off) & mask) == val`; `offmask` -1 means after `nexthdr+`. */
export const tcU32Key = struct('tc_u32_key', '', { mask: u32be, val: u32be, off: s32, offmask: s32 });

/** `TC_U32_TERMINAL`, `TC_U32_OFFSET`, `TC_U32_VAROFFSET`, `TC_U32_EAT`. */
export const u32SelFlags = flagsOf(u8, { terminal: 1, offset: 2, varoffset: 4, eat: 8 });

/**
 * `struct tc_u32_sel` (`TCA_U32_SEL`) with its keys; `nkeys` is written from
 * `keys`. `offmask`/`hmask` are big-endian as in the kernel header.
 */
export const tcU32Sel = flexStruct(
  struct('tc_u32_sel', '', {
    flags: u32SelFlags,
    offshift: u8,
    nkeys: u8,
    _pad: { codec: pad(1), c: '__pad' },
    offmask: u16be,
    off: u16,
    offoff: s16,
    hoff: s16,
    hmask: u32be,
  }),
  'keys',
  tcU32Key,
  'nkeys',
);

/** `struct tc_u32_mark` (`TCA_U32_MARK`, `match mark VAL MASK`). */
export const tcU32Mark = struct('tc_u32_mark', '', { val: u32, mask: u32, success: u32 });

/** `struct tc_u32_pcnt` (`TCA_U32_PCNT`) with one hit counter per key. */
export const tcU32Pcnt = flexStruct(struct('tc_u32_pcnt', '', { rcnt: u64, rhit: u64 }), 'kcnts', u64);

/** `TCA_U32_*` (`tc-u32-attrs`) with the given action list codec. */
export function u32AttrsFor<const A extends ActionList>(act: A) {
  return attrs('TCA_U32_', {
    classid: { nla: 1, codec: u32 },
    hash: { nla: 2, codec: u32, doc: 'The hash table (and bucket) this node goes in (`ht`, `sample`).' },
    link: { nla: 3, codec: u32, doc: 'The hash table a match continues in.' },
    divisor: { nla: 4, codec: u32, doc: 'Number of buckets of a new hash table.' },
    sel: { nla: 5, codec: tcU32Sel },
    police: { nla: 6, codec: classifierPolice },
    act: { nla: 7, codec: act },
    indev: { nla: 8, codec: cstring({ max: 15 }) },
    pcnt: { nla: 9, codec: tcU32Pcnt },
    mark: { nla: 10, codec: tcU32Mark },
    flags: { nla: 11, codec: clsFlags },
    pad: { nla: 12, codec: binary() },
  }, { name: 'tc-u32-attrs' });
}

