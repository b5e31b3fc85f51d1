/**
 * The default kind tables: every qdisc, class, filter and action kind of the
 * kernel's tc spec (and a few more from the UAPI headers), keyed by the name
 * `TCA_KIND`/`TCA_ACT_KIND` carries. Pass tables to `tcMessagesFor` to build
 * a family that decodes more (or fewer) kinds.
 */
import { nest } from '@nlkit/core';
import { actBpfOptions } from './action/bpf.js';
import { connmarkOptions } from './action/connmark.js';
import { csumOptions } from './action/csum.js';
import { ctOptions } from './action/ct.js';
import { ctinfoOptions } from './action/ctinfo.js';
import { gactOptions } from './action/gact.js';
import { gateOptions } from './action/gate.js';
import { ifeOptions } from './action/ife.js';
import { mirredOptions } from './action/mirred.js';
import { mplsOptions } from './action/mpls.js';
import { natOptions } from './action/nat.js';
import { peditOptions } from './action/pedit.js';
import { policeOptions } from './action/police.js';
import { sampleOptions } from './action/sample.js';
import { simpleOptions } from './action/simple.js';
import { skbeditOptions } from './action/skbedit.js';
import { skbmodOptions } from './action/skbmod.js';
import { tunnelKeyOptions } from './action/tunnel_key.js';
import { vlanOptions } from './action/vlan.js';
import { drrOptions, tcDrrStats } from './class/drr.js';
import { tcFqCodelClassXstats } from './class/fq_codel.js';
import { hfscClassOptions, tcHfscStats } from './class/hfsc.js';
import { tcHtbXstats } from './class/htb.js';
import { qfqOptions, tcQfqStats } from './class/qfq.js';
import type { ActionList } from './common.js';
import { basicAttrsFor } from './filter/basic.js';
import { bpfAttrsFor } from './filter/bpf.js';
import { cgroupAttrsFor } from './filter/cgroup.js';
import { flowAttrsFor } from './filter/flow.js';
import { flowerAttrsFor } from './filter/flower.js';
import { fwAttrsFor } from './filter/fw.js';
import { matchallAttrsFor } from './filter/matchall.js';
import { routeAttrsFor } from './filter/route.js';
import { u32AttrsFor } from './filter/u32.js';
import { cakeOptions, cakeStats } from './qdisc/cake.js';
import { cbsOptions } from './qdisc/cbs.js';
import { chokeOptions, tcChokeXstats } from './qdisc/choke.js';
import { clsactOptions } from './qdisc/clsact.js';
import { codelOptions, tcCodelXstats } from './qdisc/codel.js';
import { etfOptions } from './qdisc/etf.js';
import { etsOptions } from './qdisc/ets.js';
import { tcFifoQopt } from './qdisc/fifo.js';
import { fqOptions, tcFqQdStats } from './qdisc/fq.js';
import { fqCodelOptions, tcFqCodelXstats } from './qdisc/fq_codel.js';
import { fqPieOptions, tcFqPieXstats } from './qdisc/fq_pie.js';
import { gredOptions } from './qdisc/gred.js';
import { tcHfscQopt } from './qdisc/hfsc.js';
import { hhfOptions, tcHhfXstats } from './qdisc/hhf.js';
import { htbOptions } from './qdisc/htb.js';
import { ingressOptions } from './qdisc/ingress.js';
import { mqOptions } from './qdisc/mq.js';
import { mqprioOptions } from './qdisc/mqprio.js';
import { tcMultiqQopt } from './qdisc/multiq.js';
import { netemOptions } from './qdisc/netem.js';
import { pieOptions, tcPieXstats } from './qdisc/pie.js';
import { tcPlugQopt } from './qdisc/plug.js';
import { prioOptions } from './qdisc/prio.js';
import { redOptions, tcRedXstats } from './qdisc/red.js';
import { sfbOptions, tcSfbXstats } from './qdisc/sfb.js';
import { sfqOptions, tcSfqXstats } from './qdisc/sfq.js';
import { tcSkbprioQopt } from './qdisc/skbprio.js';
import { taprioOptions } from './qdisc/taprio.js';
import { tbfOptions } from './qdisc/tbf.js';
import { actAttrsFor, actionListOf, type TcTables } from './schema.js';

/** `TCA_ACT_OPTIONS` by action kind. */
export const actionKinds = {
  bpf: actBpfOptions,
  connmark: connmarkOptions,
  csum: csumOptions,
  ct: ctOptions,
  ctinfo: ctinfoOptions,
  gact: gactOptions,
  gate: gateOptions,
  ife: ifeOptions,
  mirred: mirredOptions,
  mpls: mplsOptions,
  nat: natOptions,
  pedit: peditOptions,
  police: policeOptions,
  sample: sampleOptions,
  simple: simpleOptions,
  skbedit: skbeditOptions,
  skbmod: skbmodOptions,
  tunnel_key: tunnelKeyOptions,
  vlan: vlanOptions,
} as const;

/** `tc-act-attrs` with every action kind. */
export const actAttrs = actAttrsFor(actionKinds);

/** An action list of `tc-act-attrs` (`TCA_*_ACT`, `TCA_ROOT_TAB`). */
export const actionList = actionListOf(actAttrs);

/** `TCA_OPTIONS` by classifier kind, each embedding `act` as its action list. */
export function filterKindsFor<const A extends ActionList>(act: A) {
  return {
    basic: nest(basicAttrsFor(act)),
    bpf: nest(bpfAttrsFor(act)),
    cgroup: nest(cgroupAttrsFor(act)),
    flow: nest(flowAttrsFor(act)),
    flower: nest(flowerAttrsFor(act)),
    fw: nest(fwAttrsFor(act)),
    matchall: nest(matchallAttrsFor(act)),
    route: nest(routeAttrsFor(act)),
    u32: nest(u32AttrsFor(act)),
  } as const;
}

/** The type of {@link filterKinds}. */
export type FilterKinds = ReturnType<typeof filterKindsFor<typeof actionList>>;

/** `TCA_OPTIONS` by classifier kind, with every action kind. */
export const filterKinds: FilterKinds = filterKindsFor(actionList);

/** `TCA_OPTIONS` by qdisc kind. */
export const qdiscKinds = {
  bfifo: tcFifoQopt,
  cake: cakeOptions,
  cbs: cbsOptions,
  choke: chokeOptions,
  clsact: clsactOptions,
  codel: codelOptions,
  drr: drrOptions,
  etf: etfOptions,
  ets: etsOptions,
  fq: fqOptions,
  fq_codel: fqCodelOptions,
  fq_pie: fqPieOptions,
  gred: gredOptions,
  hfsc: tcHfscQopt,
  hhf: hhfOptions,
  htb: htbOptions,
  ingress: ingressOptions,
  mq: mqOptions,
  mqprio: mqprioOptions,
  multiq: tcMultiqQopt,
  netem: netemOptions,
  pfifo: tcFifoQopt,
  pfifo_fast: prioOptions,
  pfifo_head_drop: tcFifoQopt,
  pie: pieOptions,
  plug: tcPlugQopt,
  prio: prioOptions,
  qfq: qfqOptions,
  red: redOptions,
  sfb: sfbOptions,
  sfq: sfqOptions,
  skbprio: tcSkbprioQopt,
  taprio: taprioOptions,
  tbf: tbfOptions,
} as const;

/** `TCA_XSTATS` / `TCA_STATS_APP` by qdisc kind. */
export const qdiscXstatsKinds = {
  cake: cakeStats,
  choke: tcChokeXstats,
  codel: tcCodelXstats,
  fq: tcFqQdStats,
  fq_codel: tcFqCodelXstats,
  fq_pie: tcFqPieXstats,
  hhf: tcHhfXstats,
  pie: tcPieXstats,
  red: tcRedXstats,
  sfb: tcSfbXstats,
  sfq: tcSfqXstats,
} as const;

/** `TCA_OPTIONS` by class kind (the kind of the qdisc the class belongs to). */
export const classKinds = {
  drr: drrOptions,
  ets: etsOptions,
  hfsc: hfscClassOptions,
  htb: htbOptions,
  qfq: qfqOptions,
} as const;

/** `TCA_XSTATS` / `TCA_STATS_APP` by class kind. */
export const classXstatsKinds = {
  cake: cakeStats,
  drr: tcDrrStats,
  fq_codel: tcFqCodelClassXstats,
  hfsc: tcHfscStats,
  htb: tcHtbXstats,
  qfq: tcQfqStats,
  sfq: tcSfqXstats,
} as const;

/** The type of {@link defaultTables}. */
export interface DefaultTables extends TcTables {
  /** Qdisc kinds. */
  readonly qdisc: {
    /** `TCA_OPTIONS` by kind ({@link qdiscKinds}). */
    readonly options: typeof qdiscKinds;
    /** `TCA_XSTATS`/`TCA_STATS_APP` by kind ({@link qdiscXstatsKinds}). */
    readonly xstats: typeof qdiscXstatsKinds;
  };
  /** Class kinds. */
  readonly class: {
    /** `TCA_OPTIONS` by kind ({@link classKinds}). */
    readonly options: typeof classKinds;
    /** `TCA_XSTATS`/`TCA_STATS_APP` by kind ({@link classXstatsKinds}). */
    readonly xstats: typeof classXstatsKinds;
  };
  /** Filter kinds. */
  readonly filter: {
    /** `TCA_OPTIONS` by kind. */
    readonly options: FilterKinds;
  };
  readonly action: typeof actAttrs;
}

/** Every kind this package knows, as the tables `tcMessagesFor` takes. */
export const defaultTables: DefaultTables = {
  qdisc: { options: qdiscKinds, xstats: qdiscXstatsKinds },
  class: { options: classKinds, xstats: classXstatsKinds },
  filter: { options: filterKinds },
  action: actAttrs,
};
