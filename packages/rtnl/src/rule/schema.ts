import { attrs, binary, cstring, ip, pad, struct, u16, u32, u32be, u64be, u8 } from '@nlkit/core';
import { routeProtocol } from '../route/schema.js';

/** `struct fib_rule_hdr` (`<linux/fib_rules.h>`): the fixed header of `RTM_*RULE`. */
export const fibRuleHdr = struct('fib_rule_hdr', '', {
  family: u8,
  dstLen: { codec: u8, c: 'dst_len' },
  srcLen: { codec: u8, c: 'src_len' },
  tos: u8,
  /** `RT_TABLE_*`, or 0 with the id in `FRA_TABLE`. */
  table: u8,
  _res1: { codec: pad(1), c: 'res1' },
  _res2: { codec: pad(1), c: 'res2' },
  /** `FR_ACT_*`. */
  action: u8,
  /** `FIB_RULE_*`. */
  flags: u32,
});

/** `FR_ACT_*` (`fib_rule_hdr.action`). */
export const ruleActions = {
  unspec: 0, toTbl: 1, goto: 2, nop: 3, blackhole: 6, unreachable: 7, prohibit: 8,
} as const;

/** `FIB_RULE_*` (`fib_rule_hdr.flags`). `iifDetached` is also `FIB_RULE_DEV_DETACHED`. */
export const ruleFlags = {
  permanent: 0x01, invert: 0x02, unresolved: 0x04, iifDetached: 0x08, oifDetached: 0x10, findSaddr: 0x10000,
} as const;

/** `struct fib_rule_uid_range` (`FRA_UID_RANGE`): inclusive. */
export const fibRuleUidRange = struct('fib_rule_uid_range', '', { start: u32, end: u32 });

/** `struct fib_rule_port_range` (`FRA_SPORT_RANGE`, `FRA_DPORT_RANGE`): inclusive, host byte order. */
export const fibRulePortRange = struct('fib_rule_port_range', '', { start: u16, end: u16 });

/**
 * `FRA_*` (`fib-rule-attrs`): the attributes of `RTM_*RULE`. The placeholders
 * `FRA_UNUSED2`..`FRA_UNUSED5` (5, 7-9) are never sent and stay unknown.
 */
export const ruleAttrs = attrs('FRA_', {
  dst: { nla: 1, codec: ip },
  src: { nla: 2, codec: ip },
  iifname: { nla: 3, codec: cstring({ max: 15 }) },
  goto: { nla: 4, codec: u32 },
  priority: { nla: 6, codec: u32 },
  fwmark: { nla: 10, codec: u32 },
  flow: { nla: 11, codec: u32 },
  tunId: { nla: 12, codec: u64be },
  suppressIfgroup: { nla: 13, codec: u32 },
  suppressPrefixlen: { nla: 14, codec: u32 },
  table: { nla: 15, codec: u32 },
  fwmask: { nla: 16, codec: u32 },
  oifname: { nla: 17, codec: cstring({ max: 15 }) },
  pad: { nla: 18, codec: binary() },
  l3mdev: { nla: 19, codec: u8 },
  uidRange: { nla: 20, codec: fibRuleUidRange },
  protocol: { nla: 21, codec: routeProtocol },
  ipProto: { nla: 22, codec: u8 },
  sportRange: { nla: 23, codec: fibRulePortRange },
  dportRange: { nla: 24, codec: fibRulePortRange },
  dscp: { nla: 25, codec: u8 },
  flowlabel: { nla: 26, codec: u32be },
  flowlabelMask: { nla: 27, codec: u32be },
  sportMask: { nla: 28, codec: u16 },
  dportMask: { nla: 29, codec: u16 },
  dscpMask: { nla: 30, codec: u8 },
}, { name: 'fib-rule-attrs' });

const rule = { header: fibRuleHdr, attrs: ruleAttrs } as const;

/** The policy routing rule messages (`RTM_NEWRULE`/`DELRULE`/`GETRULE`). */
export const ruleMessages = {
  RTM_NEWRULE: { type: 32, ...rule },
  RTM_DELRULE: { type: 33, ...rule },
  RTM_GETRULE: { type: 34, ...rule },
} as const;
