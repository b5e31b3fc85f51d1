import { attrs, binary, cstring, flagsOf, ipv4, ipv6, lladdr, nest, u16, u16be, u32, u32be, u8 } from '@nlkit/core';
import { clsFlags, type ActionList } from '../common.js';

/** `TCA_FLOWER_KEY_FLAGS_*` (`tc-flower-key-ctrl-flags`), big-endian: fragment and tunnel flags. */
export const flowerCtrlFlags = flagsOf(u32be, { frag: 1, firstfrag: 2, tuncsum: 4, tundf: 8, tunoam: 16, tuncrit: 32 });

/** `TCA_FLOWER_KEY_CT_FLAGS_*` (`ct_state`). */
export const flowerCtFlags = flagsOf(u16, { new: 1, established: 2, related: 4, tracked: 8, invalid: 16, reply: 32 });

/** `TCA_FLOWER_KEY_ENC_OPT_GENEVE_*`: one Geneve option to match. */
export const flowerGeneveAttrs = attrs('TCA_FLOWER_KEY_ENC_OPT_GENEVE_', {
  class: { nla: 1, codec: u16be },
  type: { nla: 2, codec: u8 },
  data: { nla: 3, codec: binary() },
}, { name: 'tc-flower-key-enc-opt-geneve-attrs' });

/** `TCA_FLOWER_KEY_ENC_OPT_VXLAN_*`. */
export const flowerVxlanAttrs = attrs('TCA_FLOWER_KEY_ENC_OPT_VXLAN_', {
  gbp: { nla: 1, codec: u32 },
}, { name: 'tc-flower-key-enc-opt-vxlan-attrs' });

/** `TCA_FLOWER_KEY_ENC_OPT_ERSPAN_*`. */
export const flowerErspanAttrs = attrs('TCA_FLOWER_KEY_ENC_OPT_ERSPAN_', {
  ver: { nla: 1, codec: u8 },
  index: { nla: 2, codec: u32be },
  dir: { nla: 3, codec: u8 },
  hwid: { nla: 4, codec: u8 },
}, { name: 'tc-flower-key-enc-opt-erspan-attrs' });

/** `TCA_FLOWER_KEY_ENC_OPT_GTP_*`. */
export const flowerGtpAttrs = attrs('TCA_FLOWER_KEY_ENC_OPT_GTP_', {
  pduType: { nla: 1, codec: u8 },
  qfi: { nla: 2, codec: u8 },
}, { name: 'tc-flower-key-enc-opt-gtp-attrs' });

/** `TCA_FLOWER_KEY_ENC_OPTS_*` (`TCA_FLOWER_KEY_ENC_OPTS` and its mask). */
export const flowerEncOptsAttrs = attrs('TCA_FLOWER_KEY_ENC_OPTS_', {
  geneve: { nla: 1, codec: nest(flowerGeneveAttrs), multi: true },
  vxlan: { nla: 2, codec: nest(flowerVxlanAttrs) },
  erspan: { nla: 3, codec: nest(flowerErspanAttrs) },
  gtp: { nla: 4, codec: nest(flowerGtpAttrs) },
}, { name: 'tc-flower-key-enc-opts-attrs' });

/** `TCA_FLOWER_KEY_MPLS_OPT_LSE_*`: one label stack entry to match. */
export const flowerMplsLseAttrs = attrs('TCA_FLOWER_KEY_MPLS_OPT_', {
  lseDepth: { nla: 1, codec: u8 },
  lseTtl: { nla: 2, codec: u8 },
  lseBos: { nla: 3, codec: u8 },
  lseTc: { nla: 4, codec: u8 },
  lseLabel: { nla: 5, codec: u32 },
}, { name: 'tc-flower-key-mpls-opt-attrs' });

/** `TCA_FLOWER_KEY_MPLS_OPTS_*`: the label stack entries (`TCA_FLOWER_KEY_MPLS_OPTS_LSE`, repeated). */
export const flowerMplsOptsAttrs = attrs('TCA_FLOWER_KEY_MPLS_OPTS_', {
  lse: { nla: 1, codec: nest(flowerMplsLseAttrs), multi: true },
}, { name: 'tc-flower-key-mpls-opts-attrs' });

/** `TCA_FLOWER_KEY_CFM_*`: Ethernet CFM fields. */
export const flowerCfmAttrs = attrs('TCA_FLOWER_KEY_CFM_', {
  mdLevel: { nla: 1, codec: u8 },
  opcode: { nla: 2, codec: u8 },
}, { name: 'tc-flower-key-cfm-attrs' });

/**
 * `TCA_FLOWER_*` (`tc-flower-attrs`) with the given action list codec. Ports,
 * ethertypes and IPv4 addresses are big-endian; VLAN ids and MPLS labels are
 * host order (as the kernel reads them).
 */
export function flowerAttrsFor<const A extends ActionList>(act: A) {
  return attrs('TCA_FLOWER_', {
    classid: { nla: 1, codec: u32 },
    indev: { nla: 2, codec: cstring({ max: 15 }) },
    act: { nla: 3, codec: act },
    keyEthDst: { nla: 4, codec: lladdr },
    keyEthDstMask: { nla: 5, codec: lladdr },
    keyEthSrc: { nla: 6, codec: lladdr },
    keyEthSrcMask: { nla: 7, codec: lladdr },
    keyEthType: { nla: 8, codec: u16be },
    keyIpProto: { nla: 9, codec: u8 },
    keyIpv4Src: { nla: 10, codec: ipv4 },
    keyIpv4SrcMask: { nla: 11, codec: ipv4 },
    keyIpv4Dst: { nla: 12, codec: ipv4 },
    keyIpv4DstMask: { nla: 13, codec: ipv4 },
    keyIpv6Src: { nla: 14, codec: ipv6 },
    keyIpv6SrcMask: { nla: 15, codec: ipv6 },
    keyIpv6Dst: { nla: 16, codec: ipv6 },
    keyIpv6DstMask: { nla: 17, codec: ipv6 },
    keyTcpSrc: { nla: 18, codec: u16be },
    keyTcpDst: { nla: 19, codec: u16be },
    keyUdpSrc: { nla: 20, codec: u16be },
    keyUdpDst: { nla: 21, codec: u16be },
    flags: { nla: 22, codec: clsFlags },
    keyVlanId: { nla: 23, codec: u16 },
    keyVlanPrio: { nla: 24, codec: u8 },
    keyVlanEthType: { nla: 25, codec: u16be },
    keyEncKeyId: { nla: 26, codec: u32be },
    keyEncIpv4Src: { nla: 27, codec: ipv4 },
    keyEncIpv4SrcMask: { nla: 28, codec: ipv4 },
    keyEncIpv4Dst: { nla: 29, codec: ipv4 },
    keyEncIpv4DstMask: { nla: 30, codec: ipv4 },
    keyEncIpv6Src: { nla: 31, codec: ipv6 },
    keyEncIpv6SrcMask: { nla: 32, codec: ipv6 },
    keyEncIpv6Dst: { nla: 33, codec: ipv6 },
    keyEncIpv6DstMask: { nla: 34, codec: ipv6 },
    keyTcpSrcMask: { nla: 35, codec: u16be },
    keyTcpDstMask: { nla: 36, codec: u16be },
    keyUdpSrcMask: { nla: 37, codec: u16be },
    keyUdpDstMask: { nla: 38, codec: u16be },
    keySctpSrcMask: { nla: 39, codec: u16be },
    keySctpDstMask: { nla: 40, codec: u16be },
    keySctpSrc: { nla: 41, codec: u16be },
    keySctpDst: { nla: 42, codec: u16be },
    keyEncUdpSrcPort: { nla: 43, codec: u16be },
    keyEncUdpSrcPortMask: { nla: 44, codec: u16be },
    keyEncUdpDstPort: { nla: 45, codec: u16be },
    keyEncUdpDstPortMask: { nla: 46, codec: u16be },
    keyFlags: { nla: 47, codec: flowerCtrlFlags },
    keyFlagsMask: { nla: 48, codec: flowerCtrlFlags },
    keyIcmpv4Code: { nla: 49, codec: u8 },
    keyIcmpv4CodeMask: { nla: 50, codec: u8 },
    keyIcmpv4Type: { nla: 51, codec: u8 },
    keyIcmpv4TypeMask: { nla: 52, codec: u8 },
    keyIcmpv6Code: { nla: 53, codec: u8 },
    keyIcmpv6CodeMask: { nla: 54, codec: u8 },
    keyIcmpv6Type: { nla: 55, codec: u8 },
    keyIcmpv6TypeMask: { nla: 56, codec: u8 },
    keyArpSip: { nla: 57, codec: ipv4 },
    keyArpSipMask: { nla: 58, codec: ipv4 },
    keyArpTip: { nla: 59, codec: ipv4 },
    keyArpTipMask: { nla: 60, codec: ipv4 },
    keyArpOp: { nla: 61, codec: u8 },
    keyArpOpMask: { nla: 62, codec: u8 },
    keyArpSha: { nla: 63, codec: lladdr },
    keyArpShaMask: { nla: 64, codec: lladdr },
    keyArpTha: { nla: 65, codec: lladdr },
    keyArpThaMask: { nla: 66, codec: lladdr },
    keyMplsTtl: { nla: 67, codec: u8 },
    keyMplsBos: { nla: 68, codec: u8 },
    keyMplsTc: { nla: 69, codec: u8 },
    keyMplsLabel: { nla: 70, codec: u32 },
    keyTcpFlags: { nla: 71, codec: u16be },
    keyTcpFlagsMask: { nla: 72, codec: u16be },
    keyIpTos: { nla: 73, codec: u8 },
    keyIpTosMask: { nla: 74, codec: u8 },
    keyIpTtl: { nla: 75, codec: u8 },
    keyIpTtlMask: { nla: 76, codec: u8 },
    keyCvlanId: { nla: 77, codec: u16 },
    keyCvlanPrio: { nla: 78, codec: u8 },
    keyCvlanEthType: { nla: 79, codec: u16be },
    keyEncIpTos: { nla: 80, codec: u8 },
    keyEncIpTosMask: { nla: 81, codec: u8 },
    keyEncIpTtl: { nla: 82, codec: u8 },
    keyEncIpTtlMask: { nla: 83, codec: u8 },
    keyEncOpts: { nla: 84, codec: nest(flowerEncOptsAttrs) },
    keyEncOptsMask: { nla: 85, codec: nest(flowerEncOptsAttrs) },
    inHwCount: { nla: 86, codec: u32 },
    keyPortSrcMin: { nla: 87, codec: u16be },
    keyPortSrcMax: { nla: 88, codec: u16be },
    keyPortDstMin: { nla: 89, codec: u16be },
    keyPortDstMax: { nla: 90, codec: u16be },
    keyCtState: { nla: 91, codec: flowerCtFlags },
    keyCtStateMask: { nla: 92, codec: flowerCtFlags },
    keyCtZone: { nla: 93, codec: u16 },
    keyCtZoneMask: { nla: 94, codec: u16 },
    keyCtMark: { nla: 95, codec: u32 },
    keyCtMarkMask: { nla: 96, codec: u32 },
    keyCtLabels: { nla: 97, codec: binary() },
    keyCtLabelsMask: { nla: 98, codec: binary() },
    keyMplsOpts: { nla: 99, codec: nest(flowerMplsOptsAttrs) },
    keyHash: { nla: 100, codec: u32 },
    keyHashMask: { nla: 101, codec: u32 },
    keyNumOfVlans: { nla: 102, codec: u8 },
    keyPppoeSid: { nla: 103, codec: u16be },
    keyPppProto: { nla: 104, codec: u16be },
    keyL2tpv3Sid: { nla: 105, codec: u32be },
    l2Miss: { nla: 106, codec: u8 },
    keyCfm: { nla: 107, codec: nest(flowerCfmAttrs) },
    keySpi: { nla: 108, codec: u32be },
    keySpiMask: { nla: 109, codec: u32be },
    keyEncFlags: { nla: 110, codec: flowerCtrlFlags },
    keyEncFlagsMask: { nla: 111, codec: flowerCtrlFlags },
  }, { name: 'tc-flower-attrs' });
}
