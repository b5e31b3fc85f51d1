import { attrs, binary, enumOf, flag, ipv4, ipv6, nest, s32, struct, u16be, u32, u32be, u8 } from '@nlkit/core';
import { tcGen, tcfT } from '../common.js';

/** `TCA_TUNNEL_KEY_ACT_*`. */
export const tunnelKeyAction = enumOf(s32, { set: 1, release: 2 });

/** `struct tc_tunnel_key` (`TCA_TUNNEL_KEY_PARMS`). */
export const tcTunnelKey = struct('tc_tunnel_key', '', { ...tcGen, tAction: tunnelKeyAction });

/** `TCA_TUNNEL_KEY_ENC_OPT_GENEVE_*`: one Geneve option (class, type, 4..128 bytes of data). */
export const tunnelKeyGeneveAttrs = attrs('TCA_TUNNEL_KEY_ENC_OPT_GENEVE_', {
  class: { nla: 1, codec: u16be },
  type: { nla: 2, codec: u8 },
  data: { nla: 3, codec: binary() },
}, { name: 'tc-act-tunnel-key-enc-opt-geneve-attrs' });

/** `TCA_TUNNEL_KEY_ENC_OPT_VXLAN_*`. */
export const tunnelKeyVxlanAttrs = attrs('TCA_TUNNEL_KEY_ENC_OPT_VXLAN_', {
  gbp: { nla: 1, codec: u32 },
}, { name: 'tc-act-tunnel-key-enc-opt-vxlan-attrs' });

/** `TCA_TUNNEL_KEY_ENC_OPT_ERSPAN_*`. */
export const tunnelKeyErspanAttrs = attrs('TCA_TUNNEL_KEY_ENC_OPT_ERSPAN_', {
  ver: { nla: 1, codec: u8 },
  index: { nla: 2, codec: u32be },
  dir: { nla: 3, codec: u8 },
  hwid: { nla: 4, codec: u8 },
}, { name: 'tc-act-tunnel-key-enc-opt-erspan-attrs' });

/** `TCA_TUNNEL_KEY_ENC_OPTS_*` (`TCA_TUNNEL_KEY_ENC_OPTS`). */
export const tunnelKeyEncOptsAttrs = attrs('TCA_TUNNEL_KEY_ENC_OPTS_', {
  geneve: { nla: 1, codec: nest(tunnelKeyGeneveAttrs), multi: true },
  vxlan: { nla: 2, codec: nest(tunnelKeyVxlanAttrs) },
  erspan: { nla: 3, codec: nest(tunnelKeyErspanAttrs) },
}, { name: 'tc-act-tunnel-key-enc-opts-attrs' });

/**
 * `TCA_TUNNEL_KEY_*` (`tc-act-tunnel-key-attrs`): set or release tunnel
 * metadata. `TCA_TUNNEL_KEY_ENC_KEY_ID` is a `__be32` on the wire (the VNI).
 */
export const tunnelKeyAttrs = attrs('TCA_TUNNEL_KEY_', {
  tm: { nla: 1, codec: tcfT },
  parms: { nla: 2, codec: tcTunnelKey },
  encIpv4Src: { nla: 3, codec: ipv4 },
  encIpv4Dst: { nla: 4, codec: ipv4 },
  encIpv6Src: { nla: 5, codec: ipv6 },
  encIpv6Dst: { nla: 6, codec: ipv6 },
  encKeyId: { nla: 7, codec: u32be },
  pad: { nla: 8, codec: binary() },
  encDstPort: { nla: 9, codec: u16be },
  noCsum: { nla: 10, codec: u8 },
  encOpts: { nla: 11, codec: nest(tunnelKeyEncOptsAttrs) },
  encTos: { nla: 12, codec: u8 },
  encTtl: { nla: 13, codec: u8 },
  noFrag: { nla: 14, codec: flag },
}, { name: 'tc-act-tunnel-key-attrs' });

/** `TCA_ACT_OPTIONS` of kind `tunnel_key` (act_tunnel_key). */
export const tunnelKeyOptions = nest(tunnelKeyAttrs);
