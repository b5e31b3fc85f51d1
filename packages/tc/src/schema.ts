/**
 * Builders of the tc attribute sets from kind tables. The tables are passed
 * in, not registered globally: {@link defaultTables} (kinds.ts) holds every
 * kind this package knows; build wider ones to decode more.
 */
import { attrs, binary, bitfield32, cstring, flag, indexedArray, nest, pad, s32, struct, u32, u8, variant, type AttrDef, type AttrSet, type Codec } from '@nlkit/core';
import { actStatsAttrs, stabAttrs, statsAttrsFor, tcEstimator, tcStats, type KindTable } from './common.js';

/** `struct tcmsg` (`<linux/rtnetlink.h>`): the fixed header of qdisc, class, filter and chain messages. */
export const tcmsg = struct('tcmsg', 'tcm_', {
  family: u8,
  _pad: { codec: pad(3), c: 'tcm__pad' },
  ifindex: s32,
  handle: u32,
  parent: u32,
  info: u32,
});

/** `struct tcamsg`: the fixed header of action messages (`RTM_*ACTION`). */
export const tcamsg = struct('tcamsg', 'tca_', {
  family: u8,
  _pad: { codec: pad(3), c: 'tca__pad' },
});

/**
 * `TCA_*` (`tc-attrs`): the attributes of qdisc, class, filter and chain
 * messages. `TCA_OPTIONS`, `TCA_XSTATS` and `TCA_STATS2`/`TCA_STATS_APP` are
 * decoded per `TCA_KIND` from the given tables. The tables differ per message
 * type (an hfsc qdisc and an hfsc class take different options), so each
 * message type gets the set built from its own tables.
 */
export function tcAttrsFor<const O extends KindTable, const X extends KindTable>(options: O, xstats: X) {
  return attrs('TCA_', {
    kind: { nla: 1, codec: cstring({ max: 15 }) },
    options: { nla: 2, codec: variant('kind', options) },
    stats: { nla: 3, codec: tcStats },
    xstats: { nla: 4, codec: variant('kind', xstats) },
    rate: { nla: 5, codec: tcEstimator },
    fcnt: { nla: 6, codec: u32 },
    stats2: { nla: 7, codec: keyedByKind(nest(statsAttrsFor(xstats))) },
    stab: { nla: 8, codec: nest(stabAttrs) },
    pad: { nla: 9, codec: binary() },
    dumpInvisible: { nla: 10, codec: flag },
    chain: { nla: 11, codec: u32 },
    hwOffload: { nla: 12, codec: u8 },
    ingressBlock: { nla: 13, codec: u32 },
    egressBlock: { nla: 14, codec: u32 },
    dumpFlags: { nla: 15, codec: bitfield32, doc: '`TCA_DUMP_FLAGS_TERSE` (1).' },
    extWarnMsg: { nla: 16, codec: cstring() },
  }, { name: 'tc-attrs' });
}

/**
 * A nest whose contents are keyed by the enclosing message's `TCA_KIND`
 * (`TCA_STATS2`, whose `TCA_STATS_APP` is per kind): flagged as needing its
 * siblings' scope, so that it is decoded after `TCA_KIND` wherever that
 * comes, and lazy views decode it with the message rather than alone.
 */
function keyedByKind<C extends Codec<any, any>>(codec: C): C {
  return { ...codec, needsScope: true };
}

/** `TCA_ACT_*` (`tc-act-attrs`): one action, its options decoded per `TCA_ACT_KIND` from `kinds`. */
export function actAttrsFor<const K extends KindTable>(kinds: K) {
  return attrs('TCA_ACT_', {
    kind: { nla: 1, codec: cstring({ max: 15 }) },
    options: { nla: 2, codec: variant('kind', kinds) },
    index: { nla: 3, codec: u32 },
    stats: { nla: 4, codec: nest(actStatsAttrs) },
    pad: { nla: 5, codec: binary() },
    cookie: { nla: 6, codec: binary({ max: 16 }) },
    flags: { nla: 7, codec: bitfield32, doc: '`TCA_ACT_FLAGS_NO_PERCPU_STATS` (1), `_SKIP_HW` (2), `_SKIP_SW` (4).' },
    hwStats: { nla: 8, codec: bitfield32, doc: '`TCA_ACT_HW_STATS_IMMEDIATE` (1), `_DELAYED` (2).' },
    usedHwStats: { nla: 9, codec: bitfield32 },
    inHwCount: { nla: 10, codec: u32 },
  }, { name: 'tc-act-attrs' });
}

/**
 * An action list (`TCA_U32_ACT`, `TCA_ACT_TAB`, …): entries numbered from 1
 * in the order the actions run, each a nest of `set` (`tc-act-attrs`).
 */
export function actionListOf<D extends Record<string, AttrDef>>(set: AttrSet<D>) {
  return indexedArray(nest(set));
}

/** `TCA_ROOT_*`: the attributes of action messages (`RTM_NEWACTION`, …). */
export function rootAttrsFor<D extends Record<string, AttrDef>>(actAttrs: AttrSet<D>) {
  return attrs('TCA_ROOT_', {
    tab: { nla: 1, codec: actionListOf(actAttrs), name: 'TCA_ROOT_TAB' },
    flags: { nla: 2, codec: bitfield32, doc: '`TCA_ACT_FLAG_LARGE_DUMP_ON` (1), `TCA_ACT_FLAG_TERSE_DUMP` (2).' },
    count: { nla: 3, codec: u32 },
    timeDelta: { nla: 4, codec: u32, doc: 'Dump only actions used within this many milliseconds.' },
    extWarnMsg: { nla: 5, codec: cstring() },
  }, { name: 'tc-root-attrs' });
}

/** The kind tables a tc family is built from, one per message type family. */
export interface TcTables {
  /** `TCA_OPTIONS` / `TCA_XSTATS` (and `TCA_STATS_APP`) of qdiscs. */
  readonly qdisc: {
    /** `TCA_OPTIONS` codecs by kind. */
    readonly options: KindTable;
    /** `TCA_XSTATS`/`TCA_STATS_APP` codecs by kind. */
    readonly xstats: KindTable;
  };
  /** The same for classes. */
  readonly class: {
    /** `TCA_OPTIONS` codecs by kind. */
    readonly options: KindTable;
    /** `TCA_XSTATS`/`TCA_STATS_APP` codecs by kind. */
    readonly xstats: KindTable;
  };
  /** `TCA_OPTIONS` of filters and chain templates (built with the action list they embed). */
  readonly filter: {
    /** `TCA_OPTIONS` codecs by kind. */
    readonly options: KindTable;
  };
  /** `tc-act-attrs` with its action kinds. */
  readonly action: AttrSet<any>;
}
