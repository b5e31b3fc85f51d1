/**
 * @nlkit/tc: traffic-control schemas (qdiscs, classes, filters, actions,
 * chains; one file per kind) and the helpers that compute what `tc`
 * computes: handles, units, rate tables, u32 selectors, flower keys,
 * policers, request builders, and readers of decoded messages (typed
 * options by kind, handles and rates as `tc` prints them).
 *
 * @packageDocumentation
 */
export * from './codecs.js';
export * from './common.js';
export * from './schema.js';
export * from './kinds.js';
export * from './family.js';
export * from './action/bpf.js';
export * from './action/connmark.js';
export * from './action/csum.js';
export * from './action/ct.js';
export * from './action/ctinfo.js';
export * from './action/gact.js';
export * from './action/gate.js';
export * from './action/ife.js';
export * from './action/mirred.js';
export * from './action/mpls.js';
export * from './action/nat.js';
export * from './action/pedit.js';
export * from './action/police.js';
export * from './action/sample.js';
export * from './action/simple.js';
export * from './action/skbedit.js';
export * from './action/skbmod.js';
export * from './action/tunnel_key.js';
export * from './action/vlan.js';
export * from './class/drr.js';
export * from './class/fq_codel.js';
export * from './class/hfsc.js';
export * from './class/htb.js';
export * from './class/qfq.js';
export * from './filter/basic.js';
export * from './filter/bpf.js';
export * from './filter/cgroup.js';
export * from './filter/ematch.js';
export * from './filter/flow.js';
export * from './filter/flower.js';
export * from './filter/fw.js';
export * from './filter/matchall.js';
export * from './filter/route.js';
export * from './filter/u32.js';
export * from './qdisc/cake.js';
export * from './qdisc/cbs.js';
export * from './qdisc/choke.js';
export * from './qdisc/clsact.js';
export * from './qdisc/codel.js';
export * from './qdisc/etf.js';
export * from './qdisc/ets.js';
export * from './qdisc/fifo.js';
export * from './qdisc/fq.js';
export * from './qdisc/fq_codel.js';
export * from './qdisc/fq_pie.js';
export * from './qdisc/gred.js';
export * from './qdisc/hfsc.js';
export * from './qdisc/hhf.js';
export * from './qdisc/htb.js';
export * from './qdisc/ingress.js';
export * from './qdisc/mq.js';
export * from './qdisc/mqprio.js';
export * from './qdisc/multiq.js';
export * from './qdisc/netem.js';
export * from './qdisc/pie.js';
export * from './qdisc/plug.js';
export * from './qdisc/prio.js';
export * from './qdisc/red.js';
export * from './qdisc/sfb.js';
export * from './qdisc/sfq.js';
export * from './qdisc/skbprio.js';
export * from './qdisc/taprio.js';
export * from './qdisc/tbf.js';
export * from './util/control.js';
export * from './util/ethertype.js';
export * from './util/flower.js';
export * from './util/handle.js';
export * from './util/police.js';
export * from './util/rate.js';
export * from './util/show.js';
export * from './util/u32.js';
export * from './util/units.js';
export * from './request/common.js';
export * from './request/action.js';
export * from './request/qdisc.js';
export * from './request/class.js';
export * from './request/filter.js';
export * from './read.js';
