/** SR-IOV virtual functions (`IFLA_VFINFO_LIST`) and port profiles (`IFLA_VF_PORTS`, `IFLA_PORT_SELF`). */
import { attrs, binary, cstring, enumOf, fixedArray, nest, pad, struct, u16, u32, u64, u8 } from '@nlkit/core';
import { vlanProtocol } from './common.js';

/**
 * `struct ifla_vf_mac` (`IFLA_VF_MAC`): a VF's MAC address in a 32-byte
 * buffer (`MAX_ADDR_LEN`), of which Ethernet uses the first 6.
 */
export const iflaVfMac = struct('ifla_vf_mac', '', {
  vf: u32,
  mac: { codec: binary({ len: 32 }), c: 'mac' },
});

/** `struct ifla_vf_vlan` (`IFLA_VF_VLAN`). */
export const iflaVfVlan = struct('ifla_vf_vlan', '', { vf: u32, vlan: u32, qos: u32 });

/** `struct ifla_vf_tx_rate` (`IFLA_VF_TX_RATE`): maximum rate in Mbit/s. */
export const iflaVfTxRate = struct('ifla_vf_tx_rate', '', { vf: u32, rate: u32 });

/** `struct ifla_vf_spoofchk` (`IFLA_VF_SPOOFCHK`). */
export const iflaVfSpoofchk = struct('ifla_vf_spoofchk', '', { vf: u32, setting: u32 });

/** `IFLA_VF_LINK_STATE_*`. */
export const vfLinkState = enumOf(u32, { auto: 0, enable: 1, disable: 2 });

/** `struct ifla_vf_link_state` (`IFLA_VF_LINK_STATE`). */
export const iflaVfLinkState = struct('ifla_vf_link_state', '', {
  vf: u32,
  linkState: { codec: vfLinkState, c: 'link_state' },
});

/** `struct ifla_vf_rate` (`IFLA_VF_RATE`): rates in Mbit/s. */
export const iflaVfRate = struct('ifla_vf_rate', '', {
  vf: u32,
  minTxRate: { codec: u32, c: 'min_tx_rate' },
  maxTxRate: { codec: u32, c: 'max_tx_rate' },
});

/** `struct ifla_vf_rss_query_en` (`IFLA_VF_RSS_QUERY_EN`). */
export const iflaVfRssQueryEn = struct('ifla_vf_rss_query_en', '', { vf: u32, setting: u32 });

/** `struct ifla_vf_trust` (`IFLA_VF_TRUST`). */
export const iflaVfTrust = struct('ifla_vf_trust', '', { vf: u32, setting: u32 });

/** `struct ifla_vf_guid` (`IFLA_VF_IB_NODE_GUID`, `IFLA_VF_IB_PORT_GUID`), with the 4 bytes that align `guid`. */
export const iflaVfGuid = struct('ifla_vf_guid', '', {
  vf: u32,
  _pad: { codec: pad(4), c: '__pad' },
  guid: u64,
});

/** `struct ifla_vf_vlan_info` (`IFLA_VF_VLAN_INFO`), padded to its 4-byte alignment. */
export const iflaVfVlanInfo = struct('ifla_vf_vlan_info', '', {
  vf: u32,
  vlan: u32,
  qos: u32,
  vlanProto: { codec: vlanProtocol, c: 'vlan_proto' },
  _pad: { codec: pad(2), c: '__pad' },
});

/** `IFLA_VF_STATS_*` (`vf-stats-attrs`): a VF's counters (numbered from 0). */
export const vfStatsAttrs = attrs('IFLA_VF_STATS_', {
  rxPackets: { nla: 0, codec: u64 },
  txPackets: { nla: 1, codec: u64 },
  rxBytes: { nla: 2, codec: u64 },
  txBytes: { nla: 3, codec: u64 },
  broadcast: { nla: 4, codec: u64 },
  multicast: { nla: 5, codec: u64 },
  pad: { nla: 6, codec: binary() },
  rxDropped: { nla: 7, codec: u64 },
  txDropped: { nla: 8, codec: u64 },
}, { name: 'vf-stats-attrs' });

/** `IFLA_VF_VLAN_*` (`vf-vlan-attrs`): the VLANs of a VF (`IFLA_VF_VLAN_LIST`). */
export const vfVlanAttrs = attrs('IFLA_VF_VLAN_', {
  info: { nla: 1, codec: iflaVfVlanInfo, multi: true },
}, { name: 'vf-vlan-attrs' });

/** `IFLA_VF_*` (`vfinfo-attrs`): one virtual function. */
export const vfinfoAttrs = attrs('IFLA_VF_', {
  mac: { nla: 1, codec: iflaVfMac },
  vlan: { nla: 2, codec: iflaVfVlan },
  txRate: { nla: 3, codec: iflaVfTxRate },
  spoofchk: { nla: 4, codec: iflaVfSpoofchk },
  linkState: { nla: 5, codec: iflaVfLinkState },
  rate: { nla: 6, codec: iflaVfRate },
  rssQueryEn: { nla: 7, codec: iflaVfRssQueryEn },
  stats: { nla: 8, codec: nest(vfStatsAttrs) },
  trust: { nla: 9, codec: iflaVfTrust },
  ibNodeGuid: { nla: 10, codec: iflaVfGuid },
  ibPortGuid: { nla: 11, codec: iflaVfGuid },
  vlanList: { nla: 12, codec: nest(vfVlanAttrs) },
  /** `struct ifla_vf_broadcast`: a 32-byte buffer holding the broadcast address. */
  broadcast: { nla: 13, codec: binary({ len: 32 }) },
}, { name: 'vfinfo-attrs' });

/** `IFLA_VF_INFO` (`vfinfo-list-attrs`): `IFLA_VFINFO_LIST`, one nest per VF. */
export const vfinfoListAttrs = attrs('IFLA_VF_', {
  info: { nla: 1, codec: nest(vfinfoAttrs), multi: true },
}, { name: 'vfinfo-list-attrs' });

/** `PORT_REQUEST_*` (`IFLA_PORT_REQUEST`). */
export const portRequest = enumOf(u8, { preassociate: 0, preassociateRr: 1, associate: 2, disassociate: 3 });

/** `PORT_VDP_RESPONSE_*` and `PORT_PROFILE_RESPONSE_*` (`IFLA_PORT_RESPONSE`). */
export const portResponse = enumOf(u16, {
  vdpSuccess: 0, vdpInvalidFormat: 1, vdpInsufficientResources: 2, vdpUnusedVtid: 3, vdpVtidViolation: 4,
  vdpVtidVersionViolation: 5, vdpOutOfSync: 6,
  profileSuccess: 0x100, profileInprogress: 0x101, profileInvalid: 0x102, profileBadstate: 0x103,
  profileInsufficientResources: 0x104, profileError: 0x105,
});

/** `struct ifla_port_vsi` (`IFLA_PORT_VSI_TYPE`): an 802.1Qbg VSI type. */
export const iflaPortVsi = struct('ifla_port_vsi', '', {
  vsiMgrId: { codec: u8, c: 'vsi_mgr_id' },
  vsiTypeId: { codec: fixedArray(u8, 3), c: 'vsi_type_id' },
  vsiTypeVersion: { codec: u8, c: 'vsi_type_version' },
  _pad: { codec: pad(3), c: 'pad' },
});

/** `IFLA_PORT_*`: a port profile (802.1Qbg VDP or 802.1Qbh), `name` naming the set. */
function portAttrs(name: string) {
  return attrs('IFLA_PORT_', {
    vf: { nla: 1, codec: u32 },
    profile: { nla: 2, codec: cstring({ max: 39 }) },
    vsiType: { nla: 3, codec: iflaPortVsi },
    instanceUuid: { nla: 4, codec: binary({ len: 16 }) },
    hostUuid: { nla: 5, codec: binary({ len: 16 }) },
    request: { nla: 6, codec: portRequest },
    response: { nla: 7, codec: portResponse },
  }, { name });
}

/** `IFLA_PORT_*` of one VF (`IFLA_VF_PORT`). */
export const vfPortAttrs = portAttrs('vf-port-attrs');

/** `IFLA_VF_PORT` (`vf-ports-attrs`): `IFLA_VF_PORTS`, one nest per VF. */
export const vfPortsAttrs = attrs('IFLA_VF_', {
  port: { nla: 1, codec: nest(vfPortAttrs), multi: true },
}, { name: 'vf-ports-attrs' });

/** `IFLA_PORT_*` (`port-self-attrs`): `IFLA_PORT_SELF`, the physical function's own port profile. */
export const portSelfAttrs = portAttrs('port-self-attrs');
