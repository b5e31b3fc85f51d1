/** `bond` links: `IFLA_BOND_*` (`IFLA_INFO_DATA`) and `IFLA_BOND_SLAVE_*` (port state). */
import { attrs, enumOf, indexedArray, ipv4, ipv6, lladdr, nest, s32, u16, u32, u8 } from '@nlkit/core';

/** `BOND_MODE_*` (`IFLA_BOND_MODE`). */
export const bondMode = enumOf(u8, {
  balanceRr: 0, activeBackup: 1, balanceXor: 2, broadcast: 3, '802.3ad': 4, balanceTlb: 5, balanceAlb: 6,
});

/** `BOND_ARP_VALIDATE_*` (`IFLA_BOND_ARP_VALIDATE`). */
export const bondArpValidate = enumOf(u32, { none: 0, active: 1, backup: 2, all: 3, filter: 4, filterActive: 5, filterBackup: 6 });

/** `BOND_ARP_TARGETS_*` (`IFLA_BOND_ARP_ALL_TARGETS`). */
export const bondArpAllTargets = enumOf(u32, { any: 0, all: 1 });

/** `BOND_PRI_RESELECT_*` (`IFLA_BOND_PRIMARY_RESELECT`). */
export const bondPrimaryReselect = enumOf(u8, { always: 0, better: 1, failure: 2 });

/** `BOND_FOM_*` (`IFLA_BOND_FAIL_OVER_MAC`). */
export const bondFailOverMac = enumOf(u8, { none: 0, active: 1, follow: 2 });

/** `BOND_XMIT_POLICY_*` (`IFLA_BOND_XMIT_HASH_POLICY`). */
export const bondXmitHashPolicy = enumOf(u8, { layer2: 0, layer34: 1, layer23: 2, encap23: 3, encap34: 4, vlanSrcmac: 5 });

/** `IFLA_BOND_AD_LACP_RATE`: LACPDUs every 30 s (slow) or every second (fast). */
export const bondAdLacpRate = enumOf(u8, { slow: 0, fast: 1 });

/** `BOND_AD_*` (`IFLA_BOND_AD_SELECT`): how the active aggregator is chosen. */
export const bondAdSelect = enumOf(u8, { stable: 0, bandwidth: 1, count: 2 });

/** `BOND_STATE_*` (`IFLA_BOND_SLAVE_STATE`). */
export const bondSlaveState = enumOf(u8, { active: 0, backup: 1 });

/** `BOND_LINK_*` (`IFLA_BOND_SLAVE_MII_STATUS`). */
export const bondMiiStatus = enumOf(u8, { up: 0, fail: 1, down: 2, back: 3 });

/** `IFLA_BOND_AD_INFO_*` (`bond-ad-info-attrs`): the active 802.3ad aggregator. */
export const bondAdInfoAttrs = attrs('IFLA_BOND_AD_INFO_', {
  aggregator: { nla: 1, codec: u16 },
  numPorts: { nla: 2, codec: u16 },
  actorKey: { nla: 3, codec: u16 },
  partnerKey: { nla: 4, codec: u16 },
  partnerMac: { nla: 5, codec: lladdr },
}, { name: 'bond-ad-info-attrs' });

/**
 * `IFLA_BOND_*` (`linkinfo-bond-attrs`): bonding options. The ARP and NS
 * targets are numbered from 0 by the slot they occupy.
 */
export const bondAttrs = attrs('IFLA_BOND_', {
  mode: { nla: 1, codec: bondMode },
  activeSlave: { nla: 2, codec: u32 },
  miimon: { nla: 3, codec: u32 },
  updelay: { nla: 4, codec: u32 },
  downdelay: { nla: 5, codec: u32 },
  useCarrier: { nla: 6, codec: u8 },
  arpInterval: { nla: 7, codec: u32 },
  arpIpTarget: { nla: 8, codec: indexedArray(ipv4, { base: 0 }) },
  arpValidate: { nla: 9, codec: bondArpValidate },
  arpAllTargets: { nla: 10, codec: bondArpAllTargets },
  primary: { nla: 11, codec: u32 },
  primaryReselect: { nla: 12, codec: bondPrimaryReselect },
  failOverMac: { nla: 13, codec: bondFailOverMac },
  xmitHashPolicy: { nla: 14, codec: bondXmitHashPolicy },
  resendIgmp: { nla: 15, codec: u32 },
  numPeerNotif: { nla: 16, codec: u8 },
  allSlavesActive: { nla: 17, codec: u8 },
  minLinks: { nla: 18, codec: u32 },
  lpInterval: { nla: 19, codec: u32 },
  packetsPerSlave: { nla: 20, codec: u32 },
  adLacpRate: { nla: 21, codec: bondAdLacpRate },
  adSelect: { nla: 22, codec: bondAdSelect },
  adInfo: { nla: 23, codec: nest(bondAdInfoAttrs) },
  adActorSysPrio: { nla: 24, codec: u16 },
  adUserPortKey: { nla: 25, codec: u16 },
  adActorSystem: { nla: 26, codec: lladdr },
  tlbDynamicLb: { nla: 27, codec: u8 },
  peerNotifDelay: { nla: 28, codec: u32 },
  adLacpActive: { nla: 29, codec: u8 },
  missedMax: { nla: 30, codec: u8 },
  nsIp6Target: { nla: 31, codec: indexedArray(ipv6, { base: 0 }) },
  coupledControl: { nla: 32, codec: u8 },
}, { name: 'linkinfo-bond-attrs' });

/** `IFLA_BOND_SLAVE_*` (`bond-slave-attrs`): the state of a bond port (`IFLA_INFO_SLAVE_DATA` of kind `bond`). */
export const bondSlaveAttrs = attrs('IFLA_BOND_SLAVE_', {
  state: { nla: 1, codec: bondSlaveState },
  miiStatus: { nla: 2, codec: bondMiiStatus },
  linkFailureCount: { nla: 3, codec: u32 },
  permHwaddr: { nla: 4, codec: lladdr },
  queueId: { nla: 5, codec: u16 },
  adAggregatorId: { nla: 6, codec: u16 },
  adActorOperPortState: { nla: 7, codec: u8 },
  adPartnerOperPortState: { nla: 8, codec: u16 },
  prio: { nla: 9, codec: s32 },
  actorPortPrio: { nla: 10, codec: u16 },
  adChurnActorState: { nla: 11, codec: u8 },
  adChurnPartnerState: { nla: 12, codec: u8 },
}, { name: 'bond-slave-attrs' });
