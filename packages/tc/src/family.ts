import { family, type AttrDef, type AttrSet, type Family } from '@nlkit/core';
import type { KindTable } from './common.js';
import { defaultTables, type DefaultTables } from './kinds.js';
import { rootAttrsFor, tcAttrsFor, tcamsg, tcmsg } from './schema.js';

/** `RTM_*` message type numbers of traffic control (`<linux/rtnetlink.h>`). */
export const RTM_TC = {
  NEWQDISC: 36, DELQDISC: 37, GETQDISC: 38,
  NEWTCLASS: 40, DELTCLASS: 41, GETTCLASS: 42,
  NEWTFILTER: 44, DELTFILTER: 45, GETTFILTER: 46,
  NEWACTION: 48, DELACTION: 49, GETACTION: 50,
  NEWCHAIN: 100, DELCHAIN: 101, GETCHAIN: 102,
} as const;

/**
 * The tc message types built from `tables` (see `TcTables`): qdisc messages decode options
 * with the qdisc table, class messages with the class table, filter and
 * chain messages with the filter table; action messages carry `struct tcamsg`
 * and `TCA_ROOT_*`.
 */
export function tcMessagesFor<
  const QO extends KindTable, const QX extends KindTable, const CO extends KindTable, const CX extends KindTable,
  const FO extends KindTable, AD extends Record<string, AttrDef>,
>(tables: {
  readonly qdisc: { readonly options: QO; readonly xstats: QX };
  readonly class: { readonly options: CO; readonly xstats: CX };
  readonly filter: { readonly options: FO };
  readonly action: AttrSet<AD>;
}) {
  const qdisc = { header: tcmsg, attrs: tcAttrsFor(tables.qdisc.options, tables.qdisc.xstats) };
  const tclass = { header: tcmsg, attrs: tcAttrsFor(tables.class.options, tables.class.xstats) };
  const filter = { header: tcmsg, attrs: tcAttrsFor(tables.filter.options, {}) };
  const action = { header: tcamsg, attrs: rootAttrsFor(tables.action) };
  return {
    RTM_NEWQDISC: { type: RTM_TC.NEWQDISC, ...qdisc },
    RTM_DELQDISC: { type: RTM_TC.DELQDISC, ...qdisc },
    RTM_GETQDISC: { type: RTM_TC.GETQDISC, ...qdisc },
    RTM_NEWTCLASS: { type: RTM_TC.NEWTCLASS, ...tclass },
    RTM_DELTCLASS: { type: RTM_TC.DELTCLASS, ...tclass },
    RTM_GETTCLASS: { type: RTM_TC.GETTCLASS, ...tclass },
    RTM_NEWTFILTER: { type: RTM_TC.NEWTFILTER, ...filter },
    RTM_DELTFILTER: { type: RTM_TC.DELTFILTER, ...filter },
    RTM_GETTFILTER: { type: RTM_TC.GETTFILTER, ...filter },
    RTM_NEWACTION: { type: RTM_TC.NEWACTION, ...action },
    RTM_DELACTION: { type: RTM_TC.DELACTION, ...action },
    RTM_GETACTION: { type: RTM_TC.GETACTION, ...action },
    RTM_NEWCHAIN: { type: RTM_TC.NEWCHAIN, ...filter },
    RTM_DELCHAIN: { type: RTM_TC.DELCHAIN, ...filter },
    RTM_GETCHAIN: { type: RTM_TC.GETCHAIN, ...filter },
  } as const;
}

/** The type of {@link tcMessages}. */
export type TcMessages = ReturnType<typeof tcMessagesFor<
  DefaultTables['qdisc']['options'], DefaultTables['qdisc']['xstats'],
  DefaultTables['class']['options'], DefaultTables['class']['xstats'],
  DefaultTables['filter']['options'], DefaultTables['action']['defs']
>>;

/** Every tc message type with every kind this package knows (name → `{type, header, attrs}`). */
export const tcMessages: TcMessages = tcMessagesFor(defaultTables);

/** The tc family's type. */
export type Tc = Family<TcMessages>;

/** The traffic-control family (`NETLINK_ROUTE`): qdiscs, classes, filters, actions and chains. */
export const tc: Tc = family('tc', 0, tcMessages);
