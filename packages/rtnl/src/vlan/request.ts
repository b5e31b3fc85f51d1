/**
 * Request builders for the VLANs of bridge ports, as `bridge vlan add|del|show`
 * sends them: `RTM_SETLINK`/`RTM_DELLINK` of family `AF_BRIDGE` carrying
 * `IFLA_BRIDGE_VLAN_INFO` in `IFLA_AF_SPEC`, and a link dump of family
 * `AF_BRIDGE` with `RTEXT_FILTER_BRVLAN` in `IFLA_EXT_MASK`.
 */
import { describe, type InputOf } from '@nlkit/core';
import { SpecError, checkSpec, ifindexField, intField, type RtnlRequest } from '../addr/request.js';
import type { Rtnl } from '../family.js';
import { AF } from '../link/common.js';

/** What {@link vlanRequest} can do: `add` (`RTM_SETLINK`), `del` (`RTM_DELLINK`), `dump` (`RTM_GETLINK`), all of family `AF_BRIDGE`. */
export type VlanCommand = 'add' | 'del' | 'dump';

/**
 * VLANs of a bridge port (or of the bridge itself, with `self`), with the
 * keywords of `bridge vlan`:
 *
 * ```ts
 * { index: 4, vid: 10 }
 * { index: 4, vid: 20, pvid: true, untagged: true }
 * { index: 4, vid: [30, 35] }           // vid 30-35
 * { index: 3, vid: 40, self: true }     // on the bridge device
 * ```
 */
export interface VlanSpec {
  /** `dev`: the port (or the bridge). */
  index: number;
  /** `vid`: one VLAN id, or an inclusive range `[first, last]` (`BRIDGE_VLAN_INFO_RANGE_BEGIN`/`_END`). */
  vid: number | readonly [number, number];
  /** `pvid` (`BRIDGE_VLAN_INFO_PVID`): untagged ingress frames get this VLAN. */
  pvid?: boolean;
  /** `untagged` (`BRIDGE_VLAN_INFO_UNTAGGED`): egress frames leave untagged. */
  untagged?: boolean;
  /** `self` (`BRIDGE_FLAGS_SELF`): act on the device itself (the bridge's own VLANs, or a switch port's hardware). */
  self?: boolean;
  /** `master` (`BRIDGE_FLAGS_MASTER`): act in the bridge (the default). */
  master?: boolean;
}

/** A bridge VLAN dump: compressed into ranges (`RTEXT_FILTER_BRVLAN_COMPRESSED`) or one entry per VLAN. */
export interface VlanDumpSpec {
  /** Ask for ranges (`RTEXT_FILTER_BRVLAN_COMPRESSED`) rather than one entry per VLAN (`RTEXT_FILTER_BRVLAN`). */
  compressed?: boolean;
}

type LinkHeader = NonNullable<InputOf<Rtnl, 'RTM_SETLINK'>['header']>;
type VlanInfo = { flags: ('pvid' | 'untagged' | 'rangeBegin' | 'rangeEnd')[]; vid: number };

/** A VLAN id usable on a bridge (`struct bridge_vlan_info`'s `vid`): 1..4094, or a `SpecError` naming the field. */
export function vlanId(value: unknown, path: string[]): number {
  return intField(value, 1, 4094, path);
}

/**
 * Builds a bridge VLAN request, as `bridge vlan add|del|show` sends it:
 *
 * - `add`: `RTM_SETLINK` (`AF_BRIDGE`) with `IFLA_AF_SPEC` { `IFLA_BRIDGE_FLAGS`, `IFLA_BRIDGE_VLAN_INFO`... };
 * - `del`: `RTM_DELLINK` with the same attributes;
 * - `dump`: `RTM_GETLINK` (`AF_BRIDGE`) with `IFLA_EXT_MASK` `RTEXT_FILTER_BRVLAN`: every
 *   bridge port (and bridge) with its VLANs in `IFLA_AF_SPEC`. The kernel
 *   cannot filter it by device.
 *
 * ```ts
 * vlanRequest('add', { index: 4, vid: 10, pvid: true, untagged: true });
 * vlanRequest('dump');
 * ```
 * @throws SpecError for a spec that cannot be sent.
 */
export function vlanRequest(command: 'dump', spec?: VlanDumpSpec): RtnlRequest<'RTM_GETLINK'>;
export function vlanRequest(command: 'add' | 'del', spec: VlanSpec): RtnlRequest<'RTM_SETLINK' | 'RTM_DELLINK'>;
export function vlanRequest(command: VlanCommand, spec?: VlanSpec | VlanDumpSpec): RtnlRequest<'RTM_SETLINK' | 'RTM_DELLINK' | 'RTM_GETLINK'>;
export function vlanRequest(command: VlanCommand, spec: VlanSpec | VlanDumpSpec = {} as VlanDumpSpec): RtnlRequest<'RTM_SETLINK' | 'RTM_DELLINK' | 'RTM_GETLINK'> {
  if (command === 'dump') {
    const d = spec as VlanDumpSpec;
    checkSpec(d, ['compressed'], ['vlan dump']);
    return {
      kind: 'dump',
      operation: 'vlan dump',
      message: { name: 'RTM_GETLINK', header: { family: AF.BRIDGE }, attrs: { extMask: [d.compressed ? 'brvlanCompressed' : 'brvlan'] } },
    };
  }
  if (command !== 'add' && command !== 'del') throw new SpecError(`unknown command ${describe(command)}; known: add, del, dump`, ['vlan']);
  const s = spec as VlanSpec;
  checkSpec(s, ['index', 'vid', 'pvid', 'untagged', 'self', 'master'], [`vlan ${command}`]);
  const vidText = Array.isArray(s.vid) ? `${s.vid[0]}-${s.vid[1]}` : String(s.vid);
  const op = `vlan ${command} ${vidText}`;
  const path = [op];
  const header: LinkHeader = { family: AF.BRIDGE, type: 0, index: ifindexField(s.index, [...path, 'index']), flags: 0, change: 0 };

  const base: VlanInfo['flags'] = [];
  if (s.pvid) base.push('pvid');
  if (s.untagged) base.push('untagged');
  let vlanInfo: VlanInfo[];
  if (Array.isArray(s.vid)) {
    if (s.vid.length !== 2) throw new SpecError(`expected a VLAN id or [first, last], got ${describe(s.vid)}`, [...path, 'vid']);
    const first = vlanId(s.vid[0], [...path, 'vid', '[0]']);
    const last = vlanId(s.vid[1], [...path, 'vid', '[1]']);
    if (last < first) throw new SpecError(`range ${first}-${last} ends before it starts`, [...path, 'vid']);
    if (s.pvid && first !== last) throw new SpecError('a range of VLANs cannot be the pvid', [...path, 'pvid']);
    vlanInfo = first === last ? [{ flags: base, vid: first }] : [{ flags: [...base, 'rangeBegin'], vid: first }, { flags: [...base, 'rangeEnd'], vid: last }];
  } else {
    vlanInfo = [{ flags: base, vid: vlanId(s.vid, [...path, 'vid']) }];
  }
  const flags: ('self' | 'master')[] = [];
  if (s.master) flags.push('master');
  if (s.self) flags.push('self');
  const afSpec = flags.length ? { flags, vlanInfo } : { vlanInfo };
  const name = command === 'add' ? 'RTM_SETLINK' : 'RTM_DELLINK';
  return { kind: 'ack', operation: op, message: { name, header, attrs: { afSpec } } };
}
