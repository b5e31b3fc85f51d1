/**
 * Actions from friendly specs, as `tc ... action KIND ...` builds them:
 * `tc-act-attrs` entries for a filter's action list or an `RTM_*ACTION`
 * message.
 */
import { NLM_F, type AttrInput, type InputOf } from '@nlkit/core';
import type { Tc } from '../family.js';
import type { actAttrs } from '../kinds.js';
import { TC_ACT, parseControl, type Control } from '../util/control.js';
import { parseEthertype } from '../util/ethertype.js';
import { parseClassid, type Handle } from '../util/handle.js';
import { policeAttrsFrom, type PoliceSpec } from '../util/police.js';
import { DEFAULT_CLOCK, type TcClock } from '../util/rate.js';

/** What every action spec may carry. */
interface ActionCommon {
  /** The action's index (`index N`): reuse or name a shared action. */
  index?: number;
  /** `cookie HEX`: up to 16 opaque bytes kept with the action. */
  cookie?: Uint8Array;
}

/** `mirred`: redirect or mirror to another device (`action mirred egress redirect dev ifb0`). */
export interface MirredSpec extends ActionCommon {
  /** `TCA_ACT_KIND`. */
  kind: 'mirred';
  /** `egress redirect`, `egress mirror`, `ingress redirect`, `ingress mirror`. */
  action: 'egress redirect' | 'egress mirror' | 'ingress redirect' | 'ingress mirror';
  /** The target device's ifindex. */
  ifindex: number;
  /** Verdict after the action; tc's default is `stolen` for redirect, `pipe` for mirror. */
  control?: Control;
}

/** `gact`: a plain verdict (`action drop`), optionally random (`random determ ok 10`). */
export interface GactSpec extends ActionCommon {
  /** `TCA_ACT_KIND`. */
  kind: 'gact';
  /** The verdict (`ok`, `drop`, `pipe`, `goto chain N`, …), `tc_gact.action`. */
  control: Control;
  /** `random TYPE CONTROL VAL` (`TCA_GACT_PROB`): another verdict, taken at random or every VAL-th packet. */
  random?: {
    /** `netrand` (probability 1/`value`) or `determ` (every `value`-th packet): `ptype`. */
    type: 'netrand' | 'determ';
    /** The verdict taken then: `paction`. */
    control: Control;
    /** `pval`. */
    value: number;
  };
}

/** `police` as an action. */
export interface PoliceActionSpec extends ActionCommon, Omit<PoliceSpec, 'index'> {
  /** `TCA_ACT_KIND`. */
  kind: 'police';
}

/** `skbedit`: set priority, queue, mark or packet type. */
export interface SkbeditSpec extends ActionCommon {
  /** `TCA_ACT_KIND`. */
  kind: 'skbedit';
  /** A class id (`1:10`) or number written to `skb->priority`. */
  priority?: Handle;
  /** `queue_mapping N`: the transmit queue (`TCA_SKBEDIT_QUEUE_MAPPING`). */
  queueMapping?: number;
  /** `mark N`: written to `skb->mark` (`TCA_SKBEDIT_MARK`). */
  mark?: number;
  /** `mark N/MASK`: the bits of `mark` to write (`TCA_SKBEDIT_MASK`). */
  mask?: number;
  /** `host`, `otherhost`, `broadcast`, `multicast` or `PACKET_*` number. */
  ptype?: 'host' | 'otherhost' | 'broadcast' | 'multicast' | number;
  /** Verdict after the action; default `pipe`. */
  control?: Control;
}

/** `vlan`: pop, push or modify a VLAN tag. */
export interface VlanSpec extends ActionCommon {
  /** `TCA_ACT_KIND`. */
  kind: 'vlan';
  /** What to do with the tag (`tc_vlan.v_action`). */
  op: 'pop' | 'push' | 'modify';
  /** `id N`: the VLAN id (`TCA_VLAN_PUSH_VLAN_ID`); required for `push` and `modify`. */
  id?: number;
  /** `802.1q` or `802.1ad` (sent only when given, as tc does). */
  protocol?: string | number;
  /** `priority N`: the 802.1p priority (`TCA_VLAN_PUSH_VLAN_PRIORITY`). */
  priority?: number;
  /** Verdict after the action; default `pipe`. */
  control?: Control;
}

/** Any other kind: its `TCA_ACT_OPTIONS` as the schema takes them. */
export interface RawActionSpec extends ActionCommon {
  /** `TCA_ACT_KIND`. */
  kind: string;
  /** `TCA_ACT_OPTIONS`, as the kind's schema takes them. */
  options?: unknown;
}

/** An action as the builders take it. */
export type ActionSpec = MirredSpec | GactSpec | PoliceActionSpec | SkbeditSpec | VlanSpec | RawActionSpec;

/** One `tc-act-attrs` entry. */
export type ActionEntry = AttrInput<typeof actAttrs.defs>;

const EACTION = { 'egress redirect': 1, 'egress mirror': 2, 'ingress redirect': 3, 'ingress mirror': 4 } as const;
const PTYPE = { host: 0, broadcast: 1, multicast: 2, otherhost: 3 } as const;

function gen(spec: ActionCommon, action: number): { index: number; capab: number; action: number; refcnt: number; bindcnt: number } {
  return { index: spec.index ?? 0, capab: 0, action, refcnt: 0, bindcnt: 0 };
}

/** The `tc-act-attrs` entry of one action (`TCA_ACT_KIND`, `TCA_ACT_OPTIONS`, `TCA_ACT_COOKIE`). */
export function actionEntry(spec: ActionSpec, clock: TcClock = DEFAULT_CLOCK): ActionEntry {
  const entry: ActionEntry = { kind: spec.kind, options: actionOptions(spec, clock) as ActionEntry['options'] };
  if (spec.cookie) entry.cookie = spec.cookie;
  return entry;
}

function actionOptions(spec: ActionSpec, clock: TcClock): unknown {
  switch (spec.kind) {
    case 'mirred': {
      const s = spec as MirredSpec;
      if (!Object.hasOwn(EACTION, s.action)) throw new RangeError(`mirred: unknown action "${s.action}"`);
      const dflt = s.action.endsWith('redirect') ? TC_ACT.STOLEN : TC_ACT.PIPE;
      return { parms: { ...gen(s, s.control === undefined ? dflt : parseControl(s.control)), eaction: EACTION[s.action], ifindex: s.ifindex } };
    }
    case 'gact': {
      const s = spec as GactSpec;
      const o: Record<string, unknown> = { parms: gen(s, parseControl(s.control)) };
      if (s.random) o.prob = { ptype: s.random.type, pval: s.random.value, paction: parseControl(s.random.control) };
      return o;
    }
    case 'police': {
      const { kind: _k, cookie: _c, ...p } = spec as PoliceActionSpec;
      return policeAttrsFrom(p, clock);
    }
    case 'skbedit': {
      const s = spec as SkbeditSpec;
      const o: Record<string, unknown> = { parms: gen(s, s.control === undefined ? TC_ACT.PIPE : parseControl(s.control)) };
      if (s.queueMapping !== undefined) o.queueMapping = s.queueMapping;
      if (s.priority !== undefined) o.priority = typeof s.priority === 'number' ? s.priority : parseClassid(s.priority);
      if (s.mark !== undefined) o.mark = s.mark;
      if (s.ptype !== undefined) o.ptype = typeof s.ptype === 'number' ? s.ptype : PTYPE[s.ptype];
      if (s.mask !== undefined) o.mask = s.mask;
      return o;
    }
    case 'vlan': {
      const s = spec as VlanSpec;
      const o: Record<string, unknown> = { parms: { ...gen(s, s.control === undefined ? TC_ACT.PIPE : parseControl(s.control)), vAction: s.op } };
      if (s.op !== 'pop' && s.id === undefined) throw new RangeError(`vlan ${s.op} needs an id`);
      if (s.id !== undefined) o.pushVlanId = s.id;
      if (s.protocol !== undefined) o.pushVlanProtocol = parseEthertype(s.protocol);
      if (s.priority !== undefined) o.pushVlanPriority = s.priority;
      return o;
    }
    default:
      return (spec as RawActionSpec).options;
  }
}

/** The operations on standalone actions. */
export type ActionOp = 'add' | 'replace' | 'change' | 'del' | 'get';

/**
 * An `RTM_NEWACTION`/`RTM_DELACTION`/`RTM_GETACTION` request (`tc actions add
 * action …`): `struct tcamsg` and `TCA_ROOT_TAB`. For `del` and `get`, only
 * the kinds and indexes are sent.
 */
export function actionRequest(op: ActionOp, actions: readonly ActionSpec[], clock: TcClock = DEFAULT_CLOCK): InputOf<Tc, 'RTM_NEWACTION' | 'RTM_DELACTION' | 'RTM_GETACTION'> {
  const base = NLM_F.REQUEST | NLM_F.ACK;
  if (op === 'del' || op === 'get') {
    return {
      name: op === 'del' ? 'RTM_DELACTION' : 'RTM_GETACTION',
      flags: base,
      header: { family: 0 },
      attrs: { tab: actions.map((a) => ({ kind: a.kind, ...(a.index === undefined ? {} : { index: a.index }) })) },
    };
  }
  const flags = op === 'add' ? base | NLM_F.EXCL | NLM_F.CREATE : op === 'replace' ? base | NLM_F.CREATE | NLM_F.REPLACE : base;
  return { name: 'RTM_NEWACTION', flags, header: { family: 0 }, attrs: { tab: actions.map((a) => actionEntry(a, clock)) } };
}
